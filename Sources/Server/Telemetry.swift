import Metrics
import Prometheus

/// The process-wide metrics registry, exported at `/metrics`.
public enum Telemetry {
    /// Bootstrapped once per process (swift-metrics allows a single bootstrap).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes sure the registry is bootstrapped before any metric is created.
    public static func bootstrap() {
        _ = registry
    }
}
