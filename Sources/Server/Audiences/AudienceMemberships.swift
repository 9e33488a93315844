import Audiences
import Logging
import Metrics
import Pricing
import Roaring
import ServiceLifecycle
import Synchronization

/// The current member bitmaps of the saved audiences that promotions test through
/// `customer.audiences`, so pricing answers "is this customer in `horror-fans`?" from memory:
/// a bitmap lookup per referenced audience, no SQL on the pricing path.
///
/// As a service it keeps them current: after the promotions are loaded it evaluates every
/// referenced audience (through the filter cache) before `/readyz` turns ready (at most
/// `prewarmBudget`), then checks each second and re-evaluates a tenant when its promotions
/// reference other audiences, when one of its audiences or filters changed on this instance, or
/// every `membershipRefresh` (changes made on other instances, new member data).
public final class AudienceMemberships: Service, Sendable {
    struct TenantMembers {
        var members: [String: Bitmap] = [:]
        var references = AudienceReferences()
        var refreshedAt = ContinuousClock.now
    }

    let service: AudienceService
    let catalog: PromotionCatalog
    let readiness: Readiness?
    let logger: Logger
    let tenants = Mutex<[String: TenantMembers]>([:])
    /// Refreshes under way, per tenant.
    let running = Mutex<[String: Task<Void, Never>]>([:])
    let held = Gauge(label: "marquee_audience_memberships")
    let members = Gauge(label: "marquee_audience_membership_members")
    let refreshFailures = Counter(label: "marquee_audience_membership_refresh_failures_total")

    public init(service: AudienceService, catalog: PromotionCatalog, readiness: Readiness? = nil, logger: Logger) {
        self.service = service
        self.catalog = catalog
        self.readiness = readiness
        self.logger = logger
        refreshFailures.increment(by: 0)
    }

    /// The audiences among `references` that `customerID` belongs to. Member ids are unsigned
    /// 32-bit integers in canonical decimal; any other customer id ("+3", "003") is in no audience.
    public func audiences(tenant: String, customerID: String, references: AudienceReferences) -> [String] {
        guard let member = MemberID.parse(customerID), let members = tenants.withLock({ $0[tenant]?.members }) else { return [] }
        return members.compactMap { id, bitmap in
            (references.all || references.ids.contains(id)) && bitmap.contains(member) ? id : nil
        }
    }

    /// Re-evaluates `tenant`'s referenced audiences and installs their bitmaps. An audience that
    /// fails to evaluate keeps its previous bitmap (a source outage must not switch promotions
    /// off); one that no longer exists or no longer resolves is dropped.
    func refresh(tenant: String, references: AudienceReferences) async {
        let previous = tenants.withLock { $0[tenant]?.members } ?? [:]
        var members: [String: Bitmap] = [:]
        do {
            for audience in try await service.store.audiences.list(tenant: tenant)
            where references.all || references.ids.contains(audience.id) {
                do {
                    members[audience.id] = try await service.evaluate(tenant: tenant, definition: audience.definition).members
                } catch is AudienceValidationError {
                    logger.warning("audience no longer resolves; nobody is in it for pricing", metadata: ["tenant": "\(tenant)", "audience": "\(audience.id)"])
                } catch {
                    refreshFailures.increment()
                    logger.warning("audience membership refresh failed; keeping the previous members", metadata: [
                        "tenant": "\(tenant)", "audience": "\(audience.id)", "error": "\(error)"])
                    members[audience.id] = previous[audience.id]
                }
            }
        } catch {
            refreshFailures.increment()
            logger.warning("could not list audiences; keeping the previous members", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            members = previous
        }
        let totals = tenants.withLock { tenants in
            tenants[tenant] = TenantMembers(members: members, references: references)
            return tenants.values.reduce((0, 0)) { ($0.0 + $1.members.count, $0.1 + $1.members.values.reduce(0) { $0 + $1.count }) }
        }
        held.record(totals.0)
        self.members.record(totals.1)
    }

    /// Starts a refresh of every tenant whose references changed, whose audiences or filters
    /// changed here, or whose members are older than `membershipRefresh`, unless one is already
    /// running for it; forgets tenants that reference none. Each tenant refreshes on its own task,
    /// so a member source that hangs (postgres-nio queues queries forever when a database cannot
    /// be reached) holds back only its own tenant.
    @discardableResult
    func startDueRefreshes() -> [Task<Void, Never>] {
        let wanted = catalog.audienceReferences
        let changed = service.takeChangedAudienceTenants()
        let interval = service.configuration.membershipRefresh
        let due = tenants.withLock { tenants in
            tenants = tenants.filter { wanted[$0.key] != nil }
            return wanted.filter { tenant, references in
                guard let held = tenants[tenant] else { return true }
                return held.references != references || changed.contains(tenant) || ContinuousClock.now - held.refreshedAt >= interval
            }
        }
        return running.withLock { running in
            due.sorted { $0.key < $1.key }.compactMap { tenant, references in
                guard running[tenant] == nil else {
                    if changed.contains(tenant) { service.audienceChanged(tenant: tenant) }  // look again when it finishes
                    return nil
                }
                let task = Task {
                    await self.refresh(tenant: tenant, references: references)
                    _ = self.running.withLock { $0.removeValue(forKey: tenant) }
                }
                running[tenant] = task
                return task
            }
        }
    }

    public func run() async throws {
        await readiness?.waitUntilDone("promotions")
        guard !Task.isCancelled else { return }  // stopped before it started
        // Readiness waits for the first pass, but no longer than the pre-warm budget.
        let readiness = readiness, budget = service.configuration.prewarmBudget
        let first = startDueRefreshes()
        let firstPass = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for task in first { await task.value } }
                group.addTask { try? await Task.sleep(for: budget) }
                await group.next()
                readiness?.markDone("memberships")
                group.cancelAll()
            }
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                self.startDueRefreshes()
            }
        }
        firstPass.cancel()
        for task in running.withLock({ Array($0.values) }) { task.cancel() }
    }
}
