import HTTPCore

/// Feeds text to a fresh parser and reads what comes out.
enum ParserTestSupport {
    static func limits(_ change: (inout HTTPParserLimits) -> Void) -> HTTPParserLimits {
        var limits = HTTPParserLimits()
        change(&limits)
        return limits
    }

    /// Every event up to and including the first `.needMore` or `.error`.
    static func events(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> [HTTPParserEvent] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(text.utf8))
        return drain(&parser)
    }

    static func drain(_ parser: inout HTTPRequestParser) -> [HTTPParserEvent] {
        var events: [HTTPParserEvent] = []
        while true {
            let event = parser.next()
            events.append(event)
            switch event {
            case .needMore, .error: return events
            case .request, .expectContinue: continue
            }
        }
    }

    /// The single request the text holds, or nil.
    static func request(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> HTTPRequest? {
        for event in events(text, limits: limits) {
            if case .request(let request) = event { return request }
        }
        return nil
    }

    /// The status of the error the text causes, or nil when it causes none.
    static func errorStatus(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> Int? {
        errorStatus(events(text, limits: limits))
    }

    /// The error the text causes, or nil when it causes none.
    static func parseError(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> HTTPParseError? {
        parseError(events(text, limits: limits))
    }

    static func parseError(_ events: [HTTPParserEvent]) -> HTTPParseError? {
        if case .error(let error) = events.last { return error }
        return nil
    }

    /// A 400 with this reason.
    static func badRequest(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: 400, reason: reason)
    }

    static func errorStatus(_ events: [HTTPParserEvent]) -> Int? {
        if case .error(let error) = events.last { return error.status }
        return nil
    }

    static func requests(_ events: [HTTPParserEvent]) -> [HTTPRequest] {
        events.compactMap { event in
            if case .request(let request) = event { return request }
            return nil
        }
    }

    static func isNeedMore(_ event: HTTPParserEvent?) -> Bool {
        if case .needMore = event { return true }
        return false
    }

    static func isExpectContinue(_ event: HTTPParserEvent?) -> Bool {
        if case .expectContinue = event { return true }
        return false
    }
}
