import Dispatch
import FoundationEssentials
import Logging
import Synchronization

/// The public face of the certificate lifecycle for the web layer.
///
/// `check` returns at once; the work runs on the checker's own queue, one run at a time, and
/// every trigger that arrives meanwhile joins that run. After a failed request, automatic
/// retries follow a growing back-off, and visits in between cost nothing but a look at
/// `status`. A valid certificate costs a look at its files' stamps (an inotify watch, else
/// `stat`) and no network traffic.
public final class CertificateChecker: Sendable {
    public struct Configuration: Sendable {
        /// The certificate service's JSON-RPC endpoint.
        public var provisioningURL: String
        /// The box's name, sent with the certificate status update.
        public var identifier: String
        public var policy = RenewalPolicy()
        /// Quick re-sends, back-off with jitter, `Retry-After`, the daily check's time of day.
        public var retry = RetryPolicy()
        /// Where the box keeps its daily check's time of day; nil draws one per process (tests).
        public var dailyCheckTimeFile: String?
        /// Uniform in `0..<1`: the jitter and the daily check's time of day. Injected in tests.
        public var unitRandom: @Sendable () -> Double = { Double.random(in: 0..<1) }

        public init(provisioningURL: String, identifier: String) {
            self.provisioningURL = provisioningURL
            self.identifier = identifier
        }
    }

    private struct Waiter {
        /// When it is answered with the status as it is then, if the run has not ended.
        var deadline: Date
        var completion: @Sendable (CertificateStatus) -> Void
    }

    private struct State {
        var status = CertificateStatus.initial
        var settings = CertificateSettings()
        var running = false
        var rerunRequested = false
        var consecutiveFailures = 0
        /// Bumped whenever a pending automatic retry becomes stale.
        var retryGeneration = 0
        var waiters: [Waiter] = []
        /// Whether the one timer that answers waiters whose time is up is set.
        var waiterTimerSet = false
        var cachedFacts: (version: [CertificateFileStamp], facts: CertificateFacts)?
    }

    public let configuration: Configuration
    public let store: CertificateStore
    private let inspector: any CertificateInspecting
    private let transport: any ProvisioningTransport
    private let clock: any CertificateClock
    private let logger: Logger
    private let onCertificateStored: @Sendable (_ chainPEM: String, _ keyPEM: String) -> Void
    private let queue = DispatchQueue(label: "cert.checker")
    /// Status updates go to the customer's Odoo server, which may be slow or unreachable: on
    /// their own queue they never hold a run, its waiters or the next check.
    private let reportQueue = DispatchQueue(label: "cert.checker.status-update")
    private let state = Mutex(State())

    /// - Parameter onCertificateStored: called on the checker's queue after a new pair is on
    ///   disk, before anything else happens; the web layer swaps its TLS context there.
    public init(
        configuration: Configuration, store: CertificateStore, inspector: any CertificateInspecting,
        transport: any ProvisioningTransport, settings: CertificateSettings = CertificateSettings(),
        clock: any CertificateClock = SystemCertificateClock(), logger: Logger = Logger(label: "cert"),
        onCertificateStored: @escaping @Sendable (_ chainPEM: String, _ keyPEM: String) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.store = store
        self.inspector = inspector
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.onCertificateStored = onCertificateStored
        state.withLock { $0.settings = settings }
    }

    /// The latest snapshot; cheap, from any thread.
    public var status: CertificateStatus { state.withLock { $0.status } }

    /// Whether a run is in progress.
    public var isChecking: Bool { state.withLock { $0.running } }

    /// Finishes a certificate replacement cut short by a crash, runs the first check and
    /// starts the daily timer. Call once.
    public func start() {
        do {
            try store.recover()
        } catch {
            logger.error("cannot recover the certificate files: \(error)")
        }
        check(reason: .startup)
        scheduleDailyCheck(atSecond: dailyCheckSecond())
    }

    /// Asks for a check and returns at once. During a retry back-off nothing happens unless
    /// `force` ("Check now"); a run in progress is joined, never doubled. When the outcome is
    /// already certain (no server configured, or a valid certificate whose files have not
    /// changed since they were inspected) it is recorded here, on the caller's thread,
    /// without a run: a page view then needs no other thread.
    ///
    /// Whether the files changed is `store.currentVersion()`: their stamps as `stat` gives
    /// them now. On the real file system an inotify watch on their directories answers when
    /// nothing happened there (one `poll` without waiting, no path walk); after any event or
    /// mount, and for a file the watch cannot vouch for (a symbolic link on its path, a file
    /// system where inotify misses changes, no watch armed), the files are `stat`ed. Never a stale state:
    /// the kernel queues the event inside the call that changes a file, so a view that starts
    /// after that call sees it.
    public func check(reason: CheckReason, force: Bool = false) {
        let now = clock.now
        let settled = force ? nil : settledOutcome(now: now)
        let starts = state.withLock { state -> Bool in
            if state.running {
                if reason == .settingsChanged { state.rerunRequested = true }
                return false
            }
            if !force, let nextRetry = state.status.nextRetry, now < nextRetry { return false }
            // Only if nothing it was derived from changed meanwhile.
            if let settled, settled.settings == state.settings, settled.version == state.cachedFacts?.version {
                apply(settled.outcome, to: &state)
                return false
            }
            state.running = true
            if !state.status.hasUsableCertificate {
                state.status.state = .checking
                state.status.error = nil
            }
            return true
        }
        guard starts else { return }
        logger.debug("certificate check started", metadata: ["reason": "\(reason.rawValue)"])
        queue.async { self.runUntilSettled() }
    }

    /// Calls `completion` with the status once the current run ends, or after `bound` with the
    /// status as it is then ("checking"). At once when no run is in progress.
    public func waitForResult(upTo bound: Duration, completion: @escaping @Sendable (CertificateStatus) -> Void) {
        let deadline = clock.now.addingTimeInterval(bound.timeInterval)
        let registered = state.withLock { state -> (status: CertificateStatus?, setsTimer: Bool) in
            guard state.running else { return (state.status, false) }
            state.waiters.append(Waiter(deadline: deadline, completion: completion))
            guard !state.waiterTimerSet else { return (nil, false) }
            state.waiterTimerSet = true
            return (nil, true)
        }
        if let status = registered.status {
            completion(status)
            return
        }
        if registered.setsTimer { setWaiterTimer(after: bound) }
    }

    /// One timer serves every waiter: it answers those whose time is up and sets itself again
    /// for the earliest of the others. A timer per waiter would keep thousands of them (each
    /// holding its page's closure) for their whole wait while pages are viewed in bursts.
    private func setWaiterTimer(after delay: Duration) {
        clock.schedule(after: delay) { [weak self] in self?.answerExpiredWaiters() }
    }

    private func answerExpiredWaiters() {
        let now = clock.now
        let (expired, status, next) = state.withLock { state -> ([Waiter], CertificateStatus, Date?) in
            var expired: [Waiter] = []
            state.waiters.removeAll { waiter in
                guard waiter.deadline <= now else { return false }
                expired.append(waiter)
                return true
            }
            let next = state.waiters.lazy.map(\.deadline).min()
            state.waiterTimerSet = next != nil
            return (expired, state.status, next)
        }
        if let next {
            setWaiterTimer(after: max(.milliseconds(1), .seconds(next.timeIntervalSince(now))))
        }
        for waiter in expired { waiter.completion(status) }
    }

    /// Saves new settings and checks at once, ignoring any back-off: new credentials deserve
    /// a fresh try.
    public func updateSettings(serverURL: String?, dbUUID: String?, enterpriseCode: String?) {
        state.withLock { state in
            state.settings = CertificateSettings(serverURL: serverURL, dbUUID: dbUUID, enterpriseCode: enterpriseCode)
            state.consecutiveFailures = 0
            state.retryGeneration += 1
            state.status.nextRetry = nil
        }
        check(reason: .settingsChanged, force: true)
    }

    /// Blocks until every status update sent so far has been answered or has failed.
    func finishPendingStatusReports() {
        reportQueue.sync {}
    }

    // MARK: - The run, on the checker's queue

    /// What a run would conclude, when that is certain without reading or inspecting a file
    /// or asking the service: the same outcome as `runOnce` for the same settings and files.
    private func settledOutcome(now: Date) -> (
        outcome: Outcome, settings: CertificateSettings, version: [CertificateFileStamp]?
    )? {
        let (settings, cached) = state.withLock { ($0.settings, $0.cachedFacts) }
        guard let serverURL = settings.serverURL, !serverURL.isEmpty else {
            return (.failed(Self.noServerError, facts: nil, retry: false), settings, cached?.version)
        }
        guard let cached, store.currentVersion() == cached.version,
            configuration.policy.evaluate(cached.facts, now: now) == .valid
        else { return nil }
        return (.certificate(cached.facts, .valid, fresh: false), settings, cached.version)
    }

    private static let noServerError = CertificateError(.noServer, detail: "no Odoo server is configured")

    private func runUntilSettled() {
        while true {
            let settings = state.withLock { state -> CertificateSettings in
                state.rerunRequested = false
                return state.settings
            }
            let outcome = runOnce(settings: settings)
            let finished = state.withLock { state -> (waiters: [Waiter], status: CertificateStatus)? in
                apply(outcome, to: &state)
                if state.rerunRequested { return nil }
                // Set in the same step that ends the run: whoever sees the run over (a waiter, a
                // visit, a test moving its clock) finds its retry pending, due at `nextRetry`.
                if let nextRetry = state.status.nextRetry {
                    scheduleRetry(at: nextRetry, generation: state.retryGeneration)
                }
                state.running = false
                let waiters = state.waiters
                state.waiters = []
                return (waiters, state.status)
            }
            if case .certificate(let facts, _, fresh: true) = outcome, let serverURL = settings.serverURL {
                reportQueue.async { self.reportCertificateEnd(facts.notAfter, serverURL: serverURL) }
            }
            guard let finished else { continue }
            if let nextRetry = finished.status.nextRetry {
                logger.info("next certificate request at \(CertificateStatus.rfc3339(nextRetry))")
            }
            for waiter in finished.waiters { waiter.completion(finished.status) }
            return
        }
    }

    private enum Outcome {
        /// A usable certificate is on disk; `fresh` when this run stored it.
        case certificate(CertificateFacts, RenewalPolicy.Verdict, fresh: Bool)
        /// `facts` describe a certificate still on disk, if any; `retry` asks for back-off, no
        /// sooner than `retryAfter` seconds when the service said so.
        case failed(CertificateError, facts: CertificateFacts?, retry: Bool, retryAfter: TimeInterval? = nil)
    }

    private func runOnce(settings: CertificateSettings) -> Outcome {
        let now = clock.now
        guard let serverURL = settings.serverURL, !serverURL.isEmpty else {
            return .failed(Self.noServerError, facts: nil, retry: false)
        }
        let current: CertificateFacts?
        do {
            current = try currentFacts()
        } catch {
            logger.error("cannot read the stored certificate: \(error.detail)")
            return .failed(error, facts: nil, retry: false)
        }
        var usable: CertificateFacts?
        if let current {
            let verdict = configuration.policy.evaluate(current, now: now)
            if verdict == .valid { return .certificate(current, .valid, fresh: false) }
            if verdict == .expiring { usable = current }
            logger.info("requesting a new certificate: \(verdict)")
        }
        guard let dbUUID = settings.dbUUID, !dbUUID.isEmpty,
            let code = settings.enterpriseCode, !code.isEmpty
        else {
            let missing = [
                (settings.dbUUID ?? "").isEmpty ? "database UUID" : nil,
                (settings.enterpriseCode ?? "").isEmpty ? "enterprise code" : nil,
            ].compactMap { $0 }
            return .failed(
                CertificateError(.missingCredential, detail: "missing: \(missing.joined(separator: " and "))"),
                facts: usable, retry: false)
        }
        let (result, retryAfter) = requestCertificate(dbUUID: dbUUID, enterpriseCode: code)
        switch result {
        case .failure(let error):
            logger.warning("certificate request failed (\(error.cause.summary)): \(error.displayCode): \(error.detail)")
            return .failed(error, facts: usable, retry: true, retryAfter: retryAfter)
        case .success(let provisioned):
            switch install(provisioned, now: now) {
            case .failure(let error):
                logger.error(
                    "certificate not installed (\(error.cause.summary)): \(error.displayCode): \(error.detail)")
                return .failed(error, facts: usable, retry: true)
            case .success(let facts):
                logger.info("certificate stored for \(facts.subjectCommonName), valid until \(facts.notAfter)")
                return .certificate(facts, configuration.policy.evaluate(facts, now: now), fresh: true)
            }
        }
    }

    private func currentFacts() throws(CertificateError) -> CertificateFacts? {
        guard let pair = try store.read() else { return nil }
        if let cached = state.withLock({ $0.cachedFacts }), cached.version == pair.version { return cached.facts }
        let facts: CertificateFacts
        do {
            facts = try inspector.inspect(chainPEM: pair.chainPEM, keyPEM: pair.keyPEM)
        } catch {
            throw CertificateError(
                .certificateUnreadable, detail: "\(store.certificatePath): \(error.detail)")
        }
        state.withLock { $0.cachedFacts = (pair.version, facts) }
        return facts
    }

    /// One request, sent again at once (a few seconds apart) only while it never reached the
    /// service: a request the service may be acting on waits for the back-off.
    private func requestCertificate(dbUUID: String, enterpriseCode: String) -> (
        Result<ProvisionedCertificate, CertificateError>, retryAfter: TimeInterval?
    ) {
        let body = ProvisioningProtocol.requestBody(dbUUID: dbUUID, enterpriseCode: enterpriseCode)
        var attempt = 0
        while true {
            attempt += 1
            logger.info(
                "requesting a certificate",
                metadata: ["url": "\(configuration.provisioningURL)", "db_uuid": "\(dbUUID)"])
            let response: ProvisioningResponse
            do {
                response = try transport.post(url: configuration.provisioningURL, jsonBody: body)
            } catch {
                let detail = SecretRedaction.redacting(enterpriseCode, in: error.detail)
                if configuration.retry.resendsAtOnce(after: error.cause, attempt: attempt) {
                    logger.info(
                        "certificate request did not reach the service (\(error.cause.summary)); sending it again")
                    clock.sleep(for: configuration.retry.quickResendDelay)
                    continue
                }
                return (.failure(CertificateError(.requestFailed(error.cause), detail: detail)), nil)
            }
            let retryAfter = configuration.retry.retryAfterDelay(
                status: response.status, retryAfter: response.retryAfter, now: clock.now)
            return (ProvisioningProtocol.interpret(response, redacting: [enterpriseCode]), retryAfter)
        }
    }

    private func install(_ provisioned: ProvisionedCertificate, now: Date) -> Result<CertificateFacts, CertificateError>
    {
        let facts: CertificateFacts
        do {
            facts = try inspector.inspect(chainPEM: provisioned.chainPEM, keyPEM: provisioned.keyPEM)
        } catch {
            return .failure(CertificateError(.invalidCertificate, detail: error.detail))
        }
        if !facts.keyMatches {
            return .failure(
                CertificateError(
                    .invalidCertificate, detail: "the private key does not match the certificate"))
        }
        if facts.notAfter <= now {
            return .failure(
                CertificateError(
                    .invalidCertificate,
                    detail: "the certificate expired on \(CertificateStatus.rfc3339(facts.notAfter))"))
        }
        do {
            try store.replace(chainPEM: provisioned.chainPEM, keyPEM: provisioned.keyPEM)
        } catch {
            return .failure(error)
        }
        onCertificateStored(provisioned.chainPEM, provisioned.keyPEM)
        return .success(facts)
    }

    /// Tells the Odoo database when the certificate ends. Best effort, on `reportQueue`: a
    /// failure is logged and changes nothing.
    private func reportCertificateEnd(_ end: Date, serverURL: String) {
        let url = ProvisioningProtocol.statusUpdateURL(serverURL: serverURL)
        let body = ProvisioningProtocol.statusUpdateBody(identifier: configuration.identifier, certificateEnd: end)
        do {
            let response = try transport.post(url: url, jsonBody: body)
            if response.status != 200 { logger.info("certificate status update answered HTTP \(response.status)") }
        } catch {
            logger.info("certificate status update failed: \(error.detail)")
        }
    }

    private func apply(_ outcome: Outcome, to state: inout State) {
        let now = clock.now
        switch outcome {
        case .certificate(let facts, let verdict, let fresh):
            state.retryGeneration += 1
            var nextRetry: Date?
            if fresh && verdict != .valid {
                // The service handed out a certificate that is already due for renewal: asking
                // again on every visit would hammer it, so back off as after a failure.
                state.consecutiveFailures += 1
                nextRetry = nextTry(afterFailures: state.consecutiveFailures, retryAfter: nil, now: now)
            } else {
                state.consecutiveFailures = 0
            }
            state.status = snapshot(facts, verdict: verdict, error: nil, now: now, nextRetry: nextRetry)
        case .failed(let error, let facts, let retry, let retryAfter):
            var nextRetry: Date?
            if retry {
                state.consecutiveFailures += 1
                state.retryGeneration += 1
                nextRetry = nextTry(afterFailures: state.consecutiveFailures, retryAfter: retryAfter, now: now)
            }
            if let facts {
                state.status = snapshot(facts, verdict: .expiring, error: error, now: now, nextRetry: nextRetry)
            } else {
                state.status = CertificateStatus(state: .error, error: error, lastCheck: now, nextRetry: nextRetry)
            }
        }
    }

    private func nextTry(afterFailures failures: Int, retryAfter: TimeInterval?, now: Date) -> Date {
        configuration.retry.nextTry(
            afterFailures: failures, retryAfter: retryAfter, now: now, unitRandom: configuration.unitRandom())
    }

    private func snapshot(
        _ facts: CertificateFacts, verdict: RenewalPolicy.Verdict, error: CertificateError?, now: Date, nextRetry: Date?
    ) -> CertificateStatus {
        CertificateStatus(
            state: verdict == .valid ? .valid : .expiring, subject: facts.subjectCommonName,
            notBefore: facts.notBefore, notAfter: facts.notAfter,
            daysLeft: RenewalPolicy.daysLeft(until: facts.notAfter, now: now), error: error, lastCheck: now,
            nextRetry: nextRetry)
    }

    /// Runs the automatic retry at `nextRetry`, unless something newer (new settings, a
    /// success) moved the retry generation on from `generation` meanwhile. Called with the
    /// state locked: it only hands the clock a timer, whose work takes the lock later.
    private func scheduleRetry(at nextRetry: Date, generation: Int) {
        let delay = max(0, nextRetry.timeIntervalSince(clock.now))
        clock.schedule(after: .milliseconds(Int64((delay * 1000).rounded(.up)))) { [weak self] in
            guard let self else { return }
            guard self.state.withLock({ $0.retryGeneration == generation }) else { return }
            self.check(reason: .retry, force: true)
        }
    }

    /// The daily check runs at the box's own time of day (see `DailyCheckTime`), so a fleet's
    /// checks are spread over the day instead of all landing at one hour.
    private func scheduleDailyCheck(atSecond second: Int) {
        let now = clock.now
        let next = configuration.retry.nextDailyCheck(after: now, atSecond: second)
        let delay = next.timeIntervalSince(now)
        clock.schedule(after: .milliseconds(Int64((delay * 1000).rounded(.up)))) { [weak self] in
            guard let self else { return }
            self.check(reason: .dailyTimer)
            self.scheduleDailyCheck(atSecond: second)
        }
    }

    /// The box's daily check time: kept in `dailyCheckTimeFile`, drawn once.
    private func dailyCheckSecond() -> Int {
        guard let path = configuration.dailyCheckTimeFile else {
            return configuration.retry.dailyCheckSecond(unitRandom: configuration.unitRandom())
        }
        let (second, problem) = DailyCheckTime.loadOrCreate(
            path: path, policy: configuration.retry, unitRandom: configuration.unitRandom)
        if let problem { logger.warning("\(problem)") }
        return second
    }
}
