import Primitives
import XCTest

final class CivilTimeTests: XCTestCase {
    func testKnownDays() {
        XCTAssertEqual(CivilTime.days(fromCivil: 1970, 1, 1), 0)
        XCTAssertEqual(CivilTime.days(fromCivil: 2000, 3, 1), 11_017)
        XCTAssertEqual(CivilTime.days(fromCivil: 1969, 12, 31), -1)
        XCTAssertEqual(CivilTime.days(fromCivil: 0, 1, 1), -719_528)
        XCTAssertEqual(CivilTime.days(fromCivil: 9999, 12, 31), 2_932_896)
        XCTAssertTrue(CivilTime.civil(fromDays: 2_932_896) == (9999, 12, 31))
        XCTAssertTrue(CivilTime.civil(fromDays: -719_528) == (0, 1, 1))
    }

    /// Every day of one whole 400-year cycle (the calendar repeats after it) and of the
    /// years around 0000 and 9999 maps back to itself, one day after another.
    func testEveryDayRoundTrips() {
        for (first, last) in [(Int64(-2), Int64(1)), (1999, 2401), (9998, 10_001)] {
            var expected = (year: first, month: Int64(1), day: Int64(1))
            var mismatches: [String] = []
            for days in CivilTime.days(fromCivil: first, 1, 1)...CivilTime.days(fromCivil: last, 12, 31) {
                let c = CivilTime.civil(fromDays: days)
                if c != expected || CivilTime.days(fromCivil: c.year, c.month, c.day) != days, mismatches.count < 5 {
                    mismatches.append("\(days): \(c) expected \(expected)")
                }
                if expected.day < CivilTime.daysIn(month: expected.month, year: expected.year) {
                    expected.day += 1
                } else if expected.month < 12 {
                    (expected.month, expected.day) = (expected.month + 1, 1)
                } else {
                    expected = (expected.year + 1, 1, 1)
                }
            }
            XCTAssertEqual(mismatches, [], "\(first)–\(last)")
            XCTAssertTrue(expected == (last + 1, 1, 1))
        }
    }

    func testLeapYears() {
        for (year, leap) in [(2000, true), (1900, false), (2024, true), (2023, false), (2100, false), (2400, true), (0, true), (9996, true), (9999, false)] {
            XCTAssertEqual(CivilTime.isLeap(year: Int64(year)), leap, "\(year)")
            XCTAssertEqual(CivilTime.daysIn(month: 2, year: Int64(year)), leap ? 29 : 28, "\(year)")
        }
        XCTAssertEqual(CivilTime.daysIn(month: 0, year: 2000), 0)
        XCTAssertEqual(CivilTime.daysIn(month: 13, year: 2000), 0)
    }

    func testSecondsAndWeekday() {
        let c = CivilTime(secondsSince1970: 784_111_777)
        XCTAssertEqual(c, CivilTime(year: 1994, month: 11, day: 6, hour: 8, minute: 49, second: 37))
        XCTAssertEqual(c.secondsSince1970, 784_111_777)
        XCTAssertEqual(c.weekday, 0)  // a Sunday
        XCTAssertEqual(CivilTime(secondsSince1970: 0).weekday, 4)  // Thursday
        XCTAssertEqual(CivilTime(secondsSince1970: -1), CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        XCTAssertEqual(CivilTime(secondsSince1970: -1).weekday, 3)
    }

    func testValidity() {
        XCTAssertTrue(CivilTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59).isValid)
        XCTAssertTrue(CivilTime(year: 9999, month: 12, day: 31).isValid)
        XCTAssertTrue(CivilTime(year: 0, month: 1, day: 1).isValid)
        for bad in [CivilTime(year: 2023, month: 2, day: 29), CivilTime(year: 2023, month: 13, day: 1), CivilTime(year: 2023, month: 0, day: 1),
                    CivilTime(year: 2023, month: 4, day: 31), CivilTime(year: 2023, month: 1, day: 0), CivilTime(year: 10_000, month: 1, day: 1),
                    CivilTime(year: -1, month: 1, day: 1), CivilTime(year: 2023, month: 1, day: 1, hour: 24),
                    CivilTime(year: 2023, month: 1, day: 1, minute: 60), CivilTime(year: 2023, month: 1, day: 1, second: 60)] {
            XCTAssertFalse(bad.isValid, "\(bad)")
        }
    }

    /// Extreme values never trap (the arithmetic wraps far outside any real date).
    func testExtremesDoNotTrap() {
        for s: Int64 in [.max, .min, .max - 86_399, .min + 1] {
            let c = CivilTime(secondsSince1970: s)
            XCTAssertTrue((1...12).contains(c.month) && (1...31).contains(c.day), "\(s)")
            _ = c.weekday
        }
        XCTAssertEqual(CivilTime(secondsSince1970: .max).secondsSince1970, .max)
        XCTAssertEqual(CivilTime(secondsSince1970: .min).secondsSince1970, .min)
        for y: Int64 in [.max, .min, 1 << 62, -(1 << 62)] {
            _ = CivilTime.days(fromCivil: y, 1, 1)
            _ = CivilTime(year: y, month: .max, day: .min, hour: .max, minute: .min, second: .max).secondsSince1970
            _ = CivilTime(year: y, month: .min, day: .max).weekday
            XCTAssertFalse(CivilTime(year: y, month: 1, day: 1).isValid)
        }
    }
}
