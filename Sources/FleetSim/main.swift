// fleet-sim: how a fleet of boxes loads the certificate service around an outage, under this
// product's renewal rules and under Odoo's own box's, on a virtual clock (seconds to run).
//
// Usage: fleet-sim [--boxes N] [--outage-hours H] [--outage 503|refused] [--seed S] [--check]
// With --check it exits 1 unless the targets hold: this product's peak requests per minute at
// most a tenth of Odoo's box's, and every box that failed renewed within 75 minutes of the
// service's return.

import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fleet-sim: \(message)\n".utf8))
    exit(2)
}

var simulation = FleetSimulation(boxes: 100_000, outageHours: 6, outage: .status503, seed: 1)
var check = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let value = arguments.popFirst() else { fail("\(argument) needs a value") }
        return value
    }
    switch argument {
    case "--boxes":
        guard let boxes = Int(value()), boxes > 0 else { fail("--boxes must be a positive number") }
        simulation.boxes = boxes
    case "--outage-hours":
        guard let hours = Double(value()), hours >= 0, hours <= 72 else { fail("--outage-hours must be 0...72") }
        simulation.outageHours = hours
    case "--outage":
        guard let outage = FleetSimulation.Outage(rawValue: value()) else { fail("--outage is 503 or refused") }
        simulation.outage = outage
    case "--seed":
        guard let seed = UInt64(value()) else { fail("--seed must be a number") }
        simulation.seed = seed
    case "--check":
        check = true
    default:
        fail("unknown argument \(argument)")
    }
}

func clockText(minute: Int) -> String {
    let day = minute / 1440
    let hour = (minute % 1440) / 60
    let minutes = minute % 60
    return "day \(day) \(hour < 10 ? "0" : "")\(hour):\(minutes < 10 ? "0" : "")\(minutes)"
}

func durationText(_ seconds: TimeInterval?) -> String {
    guard let seconds else { return "not within the run" }
    let minutes = Int((seconds / 60).rounded(.up))
    return minutes < 120 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

let outageText = simulation.outage == .status503 ? "answering 503" : "refusing connections"
let startMinute = Int(simulation.outageStart.timeIntervalSince(simulation.start) / 60)
print(
    "fleet-sim: \(simulation.boxes) boxes, 90-day certificates issued uniformly over the last 80 days; "
        + "service down \(simulation.outageHours) h from \(clockText(minute: startMinute)) UTC (\(outageText))")
print(
    padded("scheme", 52) + padded("peak req/min", 14) + padded("at", 14) + padded("total requests", 16)
        + "last box renewed after the return")
var results: [FleetSimulation.Scheme: FleetSimulation.Result] = [:]
for scheme in FleetSimulation.Scheme.allCases {
    let result = simulation.run(scheme)
    results[scheme] = result
    print(
        padded(scheme.title, 52) + padded("\(result.peakPerMinute)", 14)
            + padded(clockText(minute: result.peakMinute), 14) + padded("\(result.totalRequests)", 16)
            + "\(durationText(result.lastRenewalAfterReturn)) (\(result.boxesRenewedAfterFailing) boxes had failed)")
}

let ours = results[.product]!
let odoo = results[.odoo]!
let peakMet = ours.peakPerMinute * 10 <= odoo.peakPerMinute
let renewalMet = (ours.lastRenewalAfterReturn ?? .infinity) <= 75 * 60
print(
    "targets: peak at most 1/10 of Odoo's box's: \(peakMet ? "met" : "NOT MET") "
        + "(\(ours.peakPerMinute) vs \(odoo.peakPerMinute)); every box renewed within 75 min of the return: "
        + "\(renewalMet ? "met" : "NOT MET") (\(durationText(ours.lastRenewalAfterReturn)))")
if check && !(peakMet && renewalMet) { exit(1) }
