@testable import CixCore
import CixTestSupport
import Foundation
import Testing

/// Issue 23 #1, methodology 1.3 (METHODOLOGY.md §5.9): transactions, then firm offers, then indicative
/// quotes, on numbers computed by hand (§5.9's worked examples).
@Suite struct InputHierarchyTests {
    static let end: Int64 = 86_400

    /// A firm offer: one quote of `gpus` available GPUs.
    static func firm(_ id: Int64, _ source: String, _ price: Double, gpus: Int = 8) -> GradeObservation {
        obs(id, source, price, available: gpus)
    }

    static func trade(_ id: Int64, _ source: String, _ price: Double, volume: Double) -> GradeObservation {
        var o = obs(id, source, price)
        o.inputType = .transaction
        o.volume = volume
        return o
    }

    static func indicative(_ id: Int64, _ source: String, _ price: Double, gpus: Int = 8) -> GradeObservation {
        var o = obs(id, source, price, available: gpus)
        o.inputType = .indicative
        return o
    }

    static var p: FixingParameters {
        var p = FixingParameters()
        p.bootstrapSamples = 0
        return p
    }

    static func evaluate(_ o: [GradeObservation], params: FixingParameters = p) -> FixingEngine.Evaluation {
        FixingEngine.evaluate(o, windowEnd: end, params: params, seedKey: 1)
    }

    /// Five firm offers at 2.00 from five sources.
    static let firmAt2 = ["a", "b", "c", "d", "e"].enumerated().map { firm(Int64($0.offset + 1), $0.element, 2.00) }

    /// The acceptance case: transactions at 2.50 from 3 sources decide against firm offers at 2.00 when
    /// their volume reaches the threshold (3 × 4,000 = 12,000 ≥ 10,000 GPU-hours), and do not with too
    /// little volume (3 × 3,000 = 9,000) or too few sources (2 × 6,000).
    @Test(arguments: [
        (4000.0, 3, 2.50, InputLevel.transaction),
        (3000.0, 3, 2.00, .firm),
        (6000.0, 2, 2.00, .firm),
        (10000.0, 1, 2.00, .firm),
    ])
    func transactionsDecideOnlyWithEnoughVolumeAndSources(_ volume: Double, _ sources: Int, _ value: Double, _ level: InputLevel) throws {
        let trades = (0..<sources).map { Self.trade(Int64(100 + $0), "venue\($0)", 2.50, volume: volume) }
        let e = Self.evaluate(Self.firmAt2 + trades)
        let r = try e.result.get()
        #expect(r.value == value)
        #expect(r.inputLevel == level)
        #expect(r.shares == (level == .transaction ? LevelShares(transaction: 1, firm: 0, indicative: 0) : .firmOnly))
        // The index weight stays the firm offers' capacity (§6.4), whatever level decided: 5 × 8 GPUs.
        #expect(r.capacityGPUs == 40)
        #expect(e.panel.decision?.transactionSources == sources)
        #expect(e.panel.decision?.transactionVolume == volume * Double(sources))
    }

    /// §5.9's worked example: X 2.40 (1,000 GPU-h) and 2.60 (3,000), Y 2.50 (5,000), Z 2.70 (2,000), W 2.55
    /// (10,000). X's volume-weighted median is 2.60 (cumulative 1,000 then 4,000 > 2,000); volumes 4,000,
    /// 5,000, 2,000, 10,000 capped at 30%: W 0.30, then Y 0.30 (0.7 × 5/11 > 0.3), X 0.4 × 4/6 = 4/15, Z 2/15; sorted Y 2.50
    /// [0, 0.3], W 2.55 [0.3, 0.6], X 2.60 [0.6, 13/15], Z 2.70; overlaps with [0.25, 0.75] 0.05, 0.30,
    /// 0.15, 0: (0.05 × 2.50 + 0.30 × 2.55 + 0.15 × 2.60) ÷ 0.5 = 2.56.
    @Test func workedExample() throws {
        let trades = [Self.trade(1, "X", 2.40, volume: 1000), Self.trade(2, "X", 2.60, volume: 3000), Self.trade(3, "Y", 2.50, volume: 5000),
                      Self.trade(4, "Z", 2.70, volume: 2000), Self.trade(5, "W", 2.55, volume: 10000)]
        let e = Self.evaluate(trades)
        let r = try e.result.get()
        #expect(abs(r.value - 2.56) < 1e-12, "\(r.value)")
        #expect(r.inputLevel == .transaction && r.offers == 5 && r.sources == 4)
        let w = Dictionary(uniqueKeysWithValues: (e.panel.decision?.sources ?? []).map { ($0.source, $0.weight) })
        func k(_ s: String) -> UInt64 { ObservationKeys.source(Array(s.utf8)) }
        #expect(abs(w[k("W")]! - 0.30) < 1e-12 && abs(w[k("Y")]! - 0.30) < 1e-12)
        #expect(abs(w[k("X")]! - 4.0 / 15) < 1e-12 && abs(w[k("Z")]! - 2.0 / 15) < 1e-12)
        #expect((e.panel.decision?.sources.first { $0.source == k("X") }?.sample?.value) == 2.60)
        // No firm offer at all: the capacity for the indices is 0.
        #expect(r.capacityGPUs == 0)
    }

    /// A fat-fingered trade is dropped within its source (§5.2 on the source's trade prices) and its
    /// volume does not count towards the threshold.
    @Test func anOutlyingTradeIsDroppedAndItsVolumeDoesNotCount() throws {
        var trades = [Self.trade(1, "X", 2.50, volume: 3000), Self.trade(2, "X", 2.51, volume: 1000), Self.trade(3, "X", 25.0, volume: 4000),
                      Self.trade(4, "Y", 2.52, volume: 3000), Self.trade(5, "Z", 2.48, volume: 3000)]
        // Kept: 3,000 + 1,000 + 3,000 + 3,000 = 10,000: exactly the threshold.
        let e = Self.evaluate(Self.firmAt2 + trades)
        #expect(try e.result.get().inputLevel == .transaction)
        #expect(e.panel.decision?.transactionVolume == 10_000)
        #expect(try e.result.get().outliers == 1)
        trades[1].volume = 999
        #expect(try Self.evaluate(Self.firmAt2 + trades).result.get().inputLevel == .firm)
    }

    /// A source that traded less than `transaction_min_source_volume_gpu_hours` (730) is left out of the
    /// transaction level: 10,000 GPU-hours at 3.00, 10,000 at 2.50 and 10⁻⁶ at 2.50 are two sources,
    /// and the firm offers decide (without the rule the tiny trade would weigh a third: 2.5833).
    @Test func aThinSourceIsLeftOut() throws {
        let trades = [Self.trade(1, "vA", 3.00, volume: 10_000), Self.trade(2, "vB", 2.50, volume: 10_000), Self.trade(3, "vC", 2.50, volume: 1e-6)]
        let e = Self.evaluate(Self.firmAt2 + trades)
        #expect(try e.result.get().inputLevel == .firm && e.result.get().value == 2.0)
        #expect(e.panel.decision?.reason.contains("1 source under 730 GPU-hours left out") == true, "\(e.panel.decision?.reason ?? "")")
        var open = Self.p
        open.transactionMinSourceVolumeGPUHours = 0
        let all = try Self.evaluate(Self.firmAt2 + trades, params: open).result.get()
        #expect(all.inputLevel == .transaction && abs(all.value - (0.25 / 3 * 2.5 + 1 / 3.0 * 2.5 + 0.25 / 3 * 3.0) * 2) < 1e-12, "\(all.value)")
    }

    /// §5.9's last resort: firm offers a 2.00 and b 2.10 (two sources, two offers: short of 3 and 5);
    /// indicative c 2.30 (two offers) and d 2.40, and a's own indicative 2.90, which its firm offer
    /// outranks. Capacities 8, 8, 16, 8: c capped at 0.30, the others 0.7 ÷ 3; sorted a [0, 0.2333],
    /// b [0.2333, 0.4667], c [0.4667, 0.7667], d: overlaps 0, 0.21667, 0.28333, 0 →
    /// (0.21667 × 2.10 + 0.28333 × 2.30) ÷ 0.5 = 2.213333…; firm share 0.4667, indicative 0.5333.
    @Test func indicativeQuotesAreTheLastResort() throws {
        let o = [Self.firm(1, "a", 2.00), Self.firm(2, "b", 2.10), Self.indicative(3, "c", 2.30), Self.indicative(4, "c", 2.30),
                 Self.indicative(5, "d", 2.40), Self.indicative(6, "a", 2.90)]
        let r = try Self.evaluate(o).result.get()
        // a's own indicative quotes are not used, so one dropped within them is not counted (found by the
        // outside re-implementation); one dropped within c's is.
        let aDrops = [Self.indicative(7, "a", 2.0), Self.indicative(8, "a", 2.01), Self.indicative(9, "a", 2.02), Self.indicative(10, "a", 9.0)]
        #expect(try Self.evaluate(o + aDrops).result.get().outliers == 0)
        let cDrops = [Self.indicative(11, "c", 2.30), Self.indicative(12, "c", 9.0)]
        #expect(try Self.evaluate(o + cDrops).result.get().outliers == 1)
        #expect(abs(r.value - 2.2133333333333333) < 1e-12)
        #expect(r.inputLevel == .indicative)
        #expect(abs(r.shares.firm - 1.4 / 3) < 1e-12 && abs(r.shares.indicative - 0.3 - 0.7 / 3) < 1e-12 && r.shares.transaction == 0)
        // Switched off: the window does not suffice (stale or suspended, §5.5).
        var off = Self.p
        off.indicativeFallback = false
        guard case .failure = Self.evaluate(o, params: off).result else {
            Issue.record("indicative_fallback: false still fixed")
            return
        }
        // With enough firm offers, indicative quotes take no part.
        let firm = try Self.evaluate(Self.firmAt2 + [Self.indicative(9, "z", 9.0)]).result.get()
        #expect(firm.value == 2.0 && firm.inputLevel == .firm)
    }

    /// §5.7 (1.3): a transaction's or an indicative quote's line adds its type and volume; a firm one's is
    /// as before.
    @Test func auditLines() {
        func line(_ t: InputType, _ v: Double?) -> String {
            let s: [UInt8] = Array("a".utf8), o: [UInt8] = Array("o1".utf8), l: [UInt8] = Array("us-east-1".utf8), c: [UInt8] = Array("H100-SXM".utf8)
            return s.withUnsafeBytes { sb in o.withUnsafeBytes { ob in l.withUnsafeBytes { lb in c.withUnsafeBytes { cb in
                String(decoding: FixingAudit.line(instant: Instant(seconds: 1_795_478_400, nanos: 0), source: sb, offerID: ob, location: lb, chip: cb,
                                                  usdPerGPUHour: 2.5, availableGPUs: nil, inputType: t, volume: v), as: UTF8.self)
            } } } }
        }
        #expect(line(.firm, nil) == "2026-11-24T00:00:00Z|a|o1|us-east-1|H100-SXM|2.5|\n")
        #expect(line(.transaction, 730) == "2026-11-24T00:00:00Z|a|o1|us-east-1|H100-SXM|2.5||transaction|730.0\n")
        #expect(line(.indicative, nil) == "2026-11-24T00:00:00Z|a|o1|us-east-1|H100-SXM|2.5||indicative|\n")
    }

    /// §2.2 (1.3): the input type and volume rules, each naming its field.
    @Test(arguments: [
        ("transaction", "", "volume_gpu_hours", "a transaction needs its volume in GPU-hours"),
        ("", "730", "volume_gpu_hours", "only a transaction carries a volume"),
        ("firm", "730", "volume_gpu_hours", "only a transaction carries a volume"),
        ("indicative", "1", "volume_gpu_hours", "only a transaction carries a volume"),
        ("trade-ish", "730", "input_type", "unknown input type"),
        ("transaction", "0", "volume_gpu_hours", "volume must be above 0"),
        ("transaction", "-5", "volume_gpu_hours", "volume must be above 0"),
        ("transaction", "1e10", "volume_gpu_hours", "volume must be above 0"),
        ("transaction", "lots", "volume_gpu_hours", "not a decimal number"),
        ("transaction", "nan", "volume_gpu_hours", "not a decimal number"),
    ])
    func inputFieldRules(_ type: String, _ volume: String, _ field: String, _ reason: String) {
        let f = validFields() + [type, volume]
        guard case .failure(let r) = QuoteValidation.validate(f) else {
            Issue.record("\(type)/\(volume) was accepted")
            return
        }
        #expect(r.field == field && r.reason.hasPrefix(reason), "\(r)")
    }

    /// A quote without the two fields is firm, keeps its 13 stored fields and its identity; one with
    /// them stores 15 and has another identity.
    @Test func inputFieldsAreOptional() throws {
        let plain = try QuoteValidation.validate(validFields()).get()
        let padded = try QuoteValidation.validate(validFields() + ["", ""]).get()
        #expect(plain.inputType == .firm && !plain.hasInputFields && plain.fieldTexts.count == 13)
        #expect(plain.identity == padded.identity)
        let t = try QuoteValidation.validate(validFields() + [" Transaction ", "5840.0"]).get()
        #expect(t.inputType == .transaction && t.volumeValue == 5840 && t.fieldTexts.count == 15)
        #expect(t.fieldTexts[13] == "transaction" && t.fieldTexts[14] == "5840.0")
        #expect(t.identity != plain.identity)
        for (text, type) in [("trade", InputType.transaction), ("Executed", .transaction), ("listing", .firm), ("RFQ", .indicative),
                             ("quote-on-request", .indicative)] {
            #expect(InputType(parsing: text) == type, "\(text)")
        }
    }
}
