/// ISO-8601 timestamps and civil dates without Foundation's calendar (fast, locale-free, pure).

/// A calendar day (proleptic Gregorian, UTC).
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var dayNumber: Int64

    public init(dayNumber: Int64) { self.dayNumber = dayNumber }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        dayNumber = CivilDate.daysFromCivil(year, month, day)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = digits(u, 0, 4), let m = digits(u, 5, 2), let d = digits(u, 8, 2),
              let date = CivilDate(year: y, month: m, day: d) else { return nil }
        self = date
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    public var components: YearMonthDay {
        let (y, m, d) = CivilDate.civilFromDays(dayNumber)
        return YearMonthDay(year: y, month: m, day: d)
    }

    /// Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    public var isoWeekday: Int { Int(((dayNumber % 7) + 7 + 3) % 7) + 1 }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + Int64(days)) }

    /// Epoch seconds of 00:00:00Z on this day.
    public var startEpoch: Int64 { dayNumber * 86_400 }

    public var description: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = CivilDate(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

@inline(__always) func digits(_ u: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var v = 0
    for i in start..<(start + count) {
        let c = u[i] &- 48
        guard c < 10 else { return nil }
        v = v * 10 + Int(c)
    }
    return v
}

@inline(__always) func digits(_ u: [UInt8], _ start: Int, _ count: Int) -> Int? {
    u.withUnsafeBufferPointer { digits($0, start, count) }
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// An instant: whole seconds since 1970-01-01T00:00:00Z and the nanoseconds past them.
public struct Instant: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }
    public static func < (a: Instant, b: Instant) -> Bool { (a.seconds, a.nanos) < (b.seconds, b.nanos) }
}

/// A date's year, month (1–12) and day (1–31).
public struct YearMonthDay: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
}

public enum Timestamp {
    public enum ParseError: Error, Equatable, Sendable {
        case malformed
        case missingZone
        case outOfRange
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM|±HHMM)` (a space may stand for `T`).
    /// Returns epoch seconds (fractions are truncated towards the earlier second). Hours 00–23,
    /// seconds 00–59: `24:00:00` and the leap second `23:59:60` are refused (METHODOLOGY.md §2.2).
    public static func parse(_ text: some StringProtocol) -> Result<Int64, ParseError> {
        parseInstant(text).map(\.seconds)
    }

    /// Parses like `parse`, keeping the fraction of a second (to the nanosecond; further digits are
    /// truncated): instants are compared at full precision (§5.1).
    public static func parseInstant(_ text: some StringProtocol) -> Result<Instant, ParseError> {
        var s = String(text)
        return s.withUTF8 { parseInstant(utf8: $0) }
    }

    /// The same, from UTF-8 bytes (the stored-block decoder parses without making strings).
    public static func parseInstant(utf8 u: UnsafeBufferPointer<UInt8>) -> Result<Instant, ParseError> {
        let n = u.count
        guard n >= 16, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 116 || u[10] == 32, u[13] == 58,
              let y = digits(u, 0, 4), let mo = digits(u, 5, 2), let d = digits(u, 8, 2),
              let hh = digits(u, 11, 2), let mi = digits(u, 14, 2) else { return .failure(.malformed) }
        var i = 16
        var ss = 0
        var nanos: Int32 = 0
        if i < n, u[i] == 58 {
            guard i + 3 <= n, let s = digits(u, i + 1, 2) else { return .failure(.malformed) }
            ss = s
            i += 3
            if i < n, u[i] == 46 || u[i] == 44 {
                i += 1
                let start = i
                var scale: Int32 = 100_000_000
                while i < n, u[i] &- 48 < 10 {
                    nanos += Int32(u[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                if i == start { return .failure(.malformed) }
            }
        }
        guard i < n else { return .failure(.missingZone) }
        var offset = 0
        if u[i] == 90 || u[i] == 122 {
            i += 1
        } else if u[i] == 43 || u[i] == 45 {
            let sign = u[i] == 45 ? -1 : 1
            i += 1
            guard i + 2 <= n, let oh = digits(u, i, 2) else { return .failure(.malformed) }
            i += 2
            var om = 0
            if i < n {
                if u[i] == 58 { i += 1 }
                guard i + 2 <= n, let m = digits(u, i, 2) else { return .failure(.malformed) }
                om = m
                i += 2
            }
            guard oh <= 18, om < 60 else { return .failure(.outOfRange) }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return .failure(.malformed)
        }
        guard i == n else { return .failure(.malformed) }
        guard (1...12).contains(mo), d >= 1, d <= CivilDate.daysInMonth(year: y, month: mo),
              hh <= 23, mi < 60, ss <= 59 else { return .failure(.outOfRange) }
        let days = CivilDate.daysFromCivil(y, mo, d)
        return .success(Instant(seconds: days * 86_400 + Int64(hh * 3600 + mi * 60 + ss) - Int64(offset), nanos: nanos))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z`: UTC, with nine fraction digits when the instant has a fraction
    /// (the `observed_utc` of the quotes export and of the inputs hash, §5.7).
    public static func format(_ t: Instant) -> String {
        let base = format(t.seconds)
        guard t.nanos > 0 else { return base }
        let f = String(t.nanos)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 9 - f.count) + f + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for epoch seconds.
    public static func format(_ epoch: Int64) -> String {
        let day = floorDiv(epoch, 86_400)
        let sec = Int(epoch - day * 86_400)
        return CivilDate(dayNumber: day).description + "T" + pad(sec / 3600, 2) + ":" + pad(sec / 60 % 60, 2) + ":" + pad(sec % 60, 2) + "Z"
    }

    public static func utcDate(_ epoch: Int64) -> CivilDate { CivilDate(dayNumber: floorDiv(epoch, 86_400)) }

    /// Appends `format(t)`'s UTF-8 bytes (the audit lines of §5.7 write one per observation).
    public static func append(_ t: Instant, to out: inout [UInt8]) {
        let day = floorDiv(t.seconds, 86_400)
        let sec = Int(t.seconds - day * 86_400)
        let c = CivilDate(dayNumber: day).components
        func put(_ v: Int, _ width: Int) {
            let s = String(v).utf8
            for _ in s.count..<max(width, s.count) { out.append(48) }
            out.append(contentsOf: s)
        }
        if c.year < 0 {
            // Outside the four-digit years: the text `format` makes.
            out.append(contentsOf: format(t).utf8)
            return
        }
        put(c.year, 4); out.append(45); put(c.month, 2); out.append(45); put(c.day, 2); out.append(84)
        put(sec / 3600, 2); out.append(58); put(sec / 60 % 60, 2); out.append(58); put(sec % 60, 2)
        if t.nanos > 0 {
            out.append(46)
            put(Int(t.nanos), 9)
        }
        out.append(90)
    }
}

@inline(__always) public func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
