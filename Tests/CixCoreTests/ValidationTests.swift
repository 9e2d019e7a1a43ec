import CixCore
import CixTestSupport
import Testing

@Suite struct ValidationTests {
    /// METHODOLOGY.md §2.1, §2.2.
    @Test func aValidRowParses() throws {
        let q = try QuoteValidation.validate(validFields()).get()
        #expect(q.observedEpoch == 1_795_532_400)
        #expect(q.term == .onDemand && q.priceValue == 2.99 && q.gpuCount == 8 && q.availableGPUs == 64)
        #expect(q.offerID == "gpu_8x_h100" && q.interconnect == "infiniband")
    }

    /// Every rule: (column, bad value, expected reason prefix).
    static let rules: [(QuoteColumn, String, String)] = [
        (.observedAt, "", "required field is empty"),
        (.observedAt, "2026/11/24T15:00:00Z", "not an ISO-8601 timestamp"),
        (.observedAt, "2026-11-24T15:00:00", "timestamp has no zone"),
        (.observedAt, "2026-02-30T15:00:00Z", "timestamp out of range"),
        (.observedAt, "2026-11-24T25:00:00Z", "timestamp out of range"),
        (.source, " ", "required field is empty"),
        (.chip, "", "required field is empty"),
        (.gpuCount, "eight", "not a whole number of GPUs"),
        (.gpuCount, "1.5", "not a whole number of GPUs"),
        (.gpuCount, "0", "GPU count must be 1 to 100000"),
        (.gpuCount, "200000", "GPU count must be 1 to 100000"),
        (.location, "", "required field is empty"),
        (.term, "weekly", "unknown term"),
        (.price, "2,99", "not a decimal number"),
        (.price, "nan", "not a decimal number"),
        (.price, "-1", "price is negative"),
        (.price, "0.000", "price is zero"),
        (.currency, "USDD", "not an ISO 4217 currency code"),
        (.currency, "XYZ", "not an ISO 4217 currency code"),
        (.priceUnit, "fortnight", "unknown price unit"),
        (.priceBasis, "rack", "unknown price basis"),
        (.availableGPUs, "-3", "not a non-negative whole number"),
        (.availableGPUs, "many", "not a non-negative whole number"),
    ]

    @Test(arguments: rules.indices)
    func eachRuleRejectsWithItsField(_ i: Int) {
        let (column, value, reason) = Self.rules[i]
        var f = validFields()
        f[column.rawValue] = value
        guard case .failure(let r) = QuoteValidation.validate(f) else {
            Issue.record("\(column.name)=\(value) was accepted")
            return
        }
        #expect(r.field == column.name)
        #expect(r.reason.hasPrefix(reason), "\(r.reason)")
    }

    /// METHODOLOGY.md §2.2, §3.3.
    @Test func aliasesAndOptionalFields() throws {
        var f = validFields()
        f[QuoteColumn.term.rawValue] = "3yr"
        f[QuoteColumn.currency.rawValue] = "eur"
        f[QuoteColumn.priceUnit.rawValue] = "Monthly"
        f[QuoteColumn.priceBasis.rawValue] = "per-instance"
        f[QuoteColumn.gpuCount.rawValue] = "8.0"
        f[QuoteColumn.offerID.rawValue] = ""
        f[QuoteColumn.availableGPUs.rawValue] = ""
        f[QuoteColumn.interconnect.rawValue] = ""
        let q = try QuoteValidation.validate(f).get()
        #expect(q.term == .reserved3y && q.currency == "EUR" && q.priceUnit == .month && q.priceBasis == .instance)
        #expect(q.gpuCount == 8 && q.offerID == nil && q.availableGPUs == nil && q.interconnect == nil)
        for (text, term) in [("interruptible", Term.spot), ("1-year", .reserved1y), ("1y", .reserved1y), ("ondemand", .onDemand),
                             ("reserved_6m", .reserved6m), ("3 months", .reserved3m), ("1 month", .reserved1m)] {
            #expect(Term(parsing: text) == term, "\(text)")
        }
    }

    /// METHODOLOGY.md §2.3.
    @Test func identityIgnoresSpellingButNotSubstance() throws {
        var a = validFields()
        var b = validFields()
        b[QuoteColumn.observedAt.rawValue] = "2026-11-24T16:00:00+01:00"
        b[QuoteColumn.term.rawValue] = "ondemand"
        b[QuoteColumn.price.rawValue] = "3.10"
        #expect(try QuoteValidation.validate(a).get().identity == QuoteValidation.validate(b).get().identity,
                "same offer, same instant, same term and location: a re-observation, not a new quote")
        b[QuoteColumn.location.rawValue] = "us-west-2"
        #expect(try QuoteValidation.validate(a).get().identity != QuoteValidation.validate(b).get().identity)
        a[QuoteColumn.offerID.rawValue] = ""
        var c = a
        #expect(try QuoteValidation.validate(a).get().identity == QuoteValidation.validate(c).get().identity)
        c[QuoteColumn.price.rawValue] = "2.98"
        #expect(try QuoteValidation.validate(a).get().identity != QuoteValidation.validate(c).get().identity,
                "without an offer id the whole content is the identity")
    }
}

@Suite struct TimestampAndDecimalTests {
    /// METHODOLOGY.md §2.2.
    @Test func timestamps() throws {
        #expect(try Timestamp.parse("1970-01-01T00:00:00Z").get() == 0)
        #expect(try Timestamp.parse("2026-11-24T15:00:00Z").get() == 1_795_532_400)
        #expect(try Timestamp.parse("2026-11-24T17:30:00+02:30").get() == 1_795_532_400)
        #expect(try Timestamp.parse("2026-11-24T10:00:00-0500").get() == 1_795_532_400)
        #expect(try Timestamp.parse("2026-11-24 15:00Z").get() == 1_795_532_400)
        #expect(try Timestamp.parse("2026-11-24T15:00:00.999Z").get() == 1_795_532_400)
        #expect(try Timestamp.parse("2024-02-29T00:00:00Z").get() == 1_709_164_800)
        #expect(throws: Timestamp.ParseError.outOfRange) { try Timestamp.parse("2025-02-29T00:00:00Z").get() }
        #expect(Timestamp.format(1_795_532_400) == "2026-11-24T15:00:00Z")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59Z")
        #expect(CivilDate(iso: "2026-11-24")!.isoWeekday == 2)
        #expect(CivilDate(iso: "2026-11-24")!.adding(days: 38).description == "2027-01-01")
    }

    /// METHODOLOGY.md §2.2, §1.4.
    @Test func decimals() {
        #expect(Decimals.parse("2.99") == 2.99)
        #expect(Decimals.parse("0.000694444") == 0.000694444)
        #expect(Decimals.parse("98.32") == 98.32)
        #expect(Decimals.parse("1e3") == 1000)
        #expect(Decimals.parse("12345678901234567.5") == 12345678901234567.5)
        #expect(Decimals.parse("") == nil && Decimals.parse(".") == nil && Decimals.parse("1.2.3") == nil && Decimals.parse("inf") == nil)
        #expect(Decimals.format(2.675, places: 2) == "2.68")
        #expect(Decimals.format(-1.005, places: 2) == "-1.01")
        #expect(Decimals.format(1000, places: 2) == "1000.00")
        #expect(Decimals.format(0.00004, places: 4) == "0.0000")
        #expect(Decimals.format(100.335, places: 2) == "100.34")
    }
}
