import Foundation

/// A one-line progress bar on stderr: `[#########...........] 45% (9/20) 12.3 s`.
public final class ProgressBar: Sendable {
    let label: String
    let started = ContinuousClock.now

    public init(label: String) {
        self.label = label
    }

    public func update(_ done: Int, _ total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(Int(fraction * 100))% (\(done)/\(total)) \(String(format: "%.1f", seconds)) s" + (done >= total ? "\n" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }
}
