import CixIO
import Foundation
import CixTestSupport
import Testing

@Suite struct CSVReaderTests {
    @Test func quotedCommasDoubledQuotesAndEmbeddedNewlines() throws {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"multi\nline\"\nlast,,\n"
        let recs = try readAll(MemoryByteSource(text))
        #expect(recs.count == 3)
        #expect(recs[1].fields == ["x, y", "say \"hi\"", "multi\nline"])
        #expect(recs[1].line == 2)
        #expect(recs[2].line == 4, "a record after an embedded newline starts on the next physical line")
        #expect(recs[2].fields == ["last", "", ""])
        #expect(recs.allSatisfy { $0.malformed == nil })
    }

    @Test func lineEndingsBOMAndBlankLines() throws {
        let text = "\u{FEFF}h1,h2\r\n1,2\r\n\r\n3,4\r5,6\n\n7,8"
        let recs = try readAll(MemoryByteSource(text))
        #expect(recs.map(\.fields) == [["h1", "h2"], ["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"]])
        #expect(recs.map(\.line) == [1, 2, 4, 5, 7])
    }

    @Test func brokenQuotingIsReportedPerRecordNotFatal() throws {
        let text = "a,\"b\"x,c\nd,e\"f,g\nok,1,2\n\"never closed,3\n"
        let recs = try readAll(MemoryByteSource(text))
        #expect(recs.count == 4)
        #expect(recs[0].malformed == "text after a closing quote")
        #expect(recs[1].malformed == "quote inside an unquoted field")
        #expect(recs[2].malformed == nil)
        #expect(recs[2].fields == ["ok", "1", "2"])
        #expect(recs[3].malformed == "unterminated quoted field")
    }

    @Test func rawTextKeepsTheRecordAsWritten() throws {
        let recs = try readAll(MemoryByteSource("x,\"a,b\",\"q\"\"\"\r\n"))
        #expect(recs[0].rawText == "x,\"a,b\",\"q\"\"\"")
    }

    @Test func emptyInputAndSingleEmptyField() throws {
        #expect(try readAll(MemoryByteSource("")).isEmpty)
        let recs = try readAll(MemoryByteSource("\"\"\n"))
        #expect(recs.count == 1 && recs[0].fields == [""])
    }

    @Test func invalidUTF8IsDetectedPerField() throws {
        let recs = try readAll(MemoryByteSource([0x61, 0x2C, 0xFF, 0xFE, 0x0A]))
        #expect(recs[0].field(0) == "a")
        #expect(recs[0].field(1) == nil)
    }

    /// Random tables written with RFC 4180 quoting read back identically, whatever the chunk and
    /// read sizes (which move record and field boundaries across buffer refills).
    @Test(arguments: [1, 2, 3, 7, 64, 1 << 20])
    func randomTablesRoundTrip(readSize: Int) throws {
        var rng = TestRNG()
        let alphabet: [Character] = ["a", "Z", "0", ",", "\"", "\n", "\r", " ", "é", "€", "x"]
        for _ in 0..<30 {
            let rows = Int.random(in: 1...20, using: &rng)
            let cols = Int.random(in: 1...6, using: &rng)
            var table: [[String]] = []
            for _ in 0..<rows {
                table.append((0..<cols).map { _ in
                    String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                })
            }
            // A lone empty field in a one-column row is a blank line, which readers skip: quote it.
            let text = table.map { r in r.map { f in cols == 1 && f.isEmpty ? "\"\"" : csvFieldStrict(f) }.joined(separator: ",") }
                .joined(separator: Bool.random(using: &rng) ? "\r\n" : "\n") + "\n"
            let recs = try readAll(MemoryByteSource(text, maxRead: readSize), chunkSize: max(4, readSize))
            #expect(recs.map(\.fields) == table, "table \(table)")
            #expect(recs.allSatisfy { $0.malformed == nil })
        }
    }
}

/// RFC 4180 quoting that also quotes CR (a lone CR is a line end for the reader).
func csvFieldStrict(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : csvField(s)
}
