import LoaCore
import Foundation
import LoaPlan
import Testing

/// Lines 1–12 of every bad plan below: the header, one template, two stations. Messages start at line 13.
let base = header + """
slot_templates:
  ward:
    - {name: morning, days: [mon-fri], start: "06:00", length: 15m}
    - {name: evening, days: [mon-fri], start: "17:00", length: 15m}
stations:
  - {id: a, groups: [inner], slots: ward}
  - {id: b, groups: [rural], slots: ward}

"""

/// A message block starting at line 13; `extra` lines go after `audio` (line 16 onwards).
func message(_ extra: String = "", id: String = "m1") -> String {
    """
    messages:
      - id: \(id)
        audio: a.wav
        airings: {count: 1, per: week}
    \(extra)
    """
}

@Suite struct BadPlanTests {
    func check(_ yaml: String, _ expected: String, file: String = "plan.yaml") {
        let f = Fixture()
        f.write("plan.yaml", yaml)
        let errors = f.errors(f.load(file))
        #expect(errors.contains(expected), "got: \(errors)")
    }

    @Test func yamlSyntaxErrorHasItsPosition() {
        let f = Fixture()
        f.write("plan.yaml", header + "stations:\n  - {id: a, slots: [\n")
        let errors = f.errors(f.load())
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("plan.yaml:8:1: error: YAML syntax error: did not find expected node content")
                == true, "got: \(errors)")
    }

    @Test func duplicateKeyInOneMapping() {
        check(base + message("    airings: {count: 2, per: week}"),
              "plan.yaml:16:5: error: duplicate key in one mapping: 'airings'")
    }

    @Test func unknownTopLevelKeySuggestsNearest() {
        check(header + "statoins:\n  - {id: a, slots: []}\n",
              "plan.yaml:6:1: error: unknown key 'statoins' in the top level; did you mean 'stations'?")
    }

    @Test func unknownStationKeySuggestsNearestAndMissingKeyIsReported() {
        let yaml = header + "stations:\n  - {id: a, slot: ward}\n"
        check(yaml, "plan.yaml:7:13: error: unknown key 'slot' in a station; did you mean 'slots'?")
        check(yaml, "plan.yaml:7:5: error: missing 'slots' in a station")
    }

    @Test func unknownKeyWithoutNearOneListsKnownKeys() {
        check(base + message("    colour: red"),
              "plan.yaml:17:5: error: unknown key 'colour' in a message; known keys: id, title, topic, audio, text, "
              + "voice, speed, repeat, pause, priority, from, to, airings, targets, slots, max_per_day")
    }

    @Test func wrongTypes() {
        check(base + message().replacingOccurrences(of: "count: 1", with: "count: three"),
              "plan.yaml:16:22: error: 'count': expected a whole number, found a single value 'three'")
        check(header + "stations: {a: 1}\n",
              "plan.yaml:6:11: error: 'stations': expected a list, found a mapping (key: value)")
        check(base + message("    from: June"),
              "plan.yaml:17:11: error: 'from': expected a date YYYY-MM-DD, found a single value 'June'")
        check(base + message("    airings: weekly").replacingOccurrences(of: "    airings: {count: 1, per: week}\n", with: ""),
              "plan.yaml:16:14: error: 'airings': expected a mapping (key: value), found a single value 'weekly'")
    }

    @Test func duplicateIDs() {
        check(base + message() + "\n  - {id: m1, audio: b.wav, airings: {count: 1, per: week}}\n",
              "plan.yaml:18:10: error: duplicate message id 'm1' (first at plan.yaml:14:9)")
        check(base.replacingOccurrences(of: "{id: b,", with: "{id: a,") + message(),
              "plan.yaml:12:10: error: duplicate station id 'a' (first at plan.yaml:11:10)")
        check(header + "topics:\n  - {id: \"1.1\", title: A}\n  - {id: \"1.1\", title: B}\n"
              + "stations:\n  - {id: a, slots: []}\n",
              "plan.yaml:8:10: error: duplicate topic id '1.1' (first at plan.yaml:7:10)")
    }

    @Test func unknownTemplateTopicStationGroup() {
        check(base.replacingOccurrences(of: "rural], slots: ward", with: "rural], slots: wrad") + message(),
              "plan.yaml:12:37: error: unknown slot template 'wrad'; did you mean 'ward'?")
        check(base + message("    topic: \"1.2\""), "plan.yaml:17:12: error: unknown topic '1.2'")
        check(base + message("    targets: [a, c]"), "plan.yaml:17:18: error: unknown station 'c'")
        check(base + message("    targets: [group:rurl]"),
              "plan.yaml:17:15: error: unknown group 'rurl'; did you mean 'group:rural'?")
        check(base + message("    slots: [mornin]"),
              "plan.yaml:17:13: error: no targeted station has a slot named 'mornin'; did you mean 'morning'?")
    }

    @Test func overlappingSlotsInTemplateAndInline() {
        check(base.replacingOccurrences(of: "\"17:00\"", with: "\"06:10\"") + message(),
              "plan.yaml:9:7: error: slot 'evening' (06:10–06:25) overlaps 'morning' (06:00–06:15) on mon "
              + "in template 'ward'")
        check(header + """
            stations:
              - id: x
                slots:
                  - {name: morning, days: [t7-cn], start: "05:30", length: 1h}
                  - {name: extra, days: [cn], start: "06:00", length: 15m}

            """, "plan.yaml:10:9: error: slot 'extra' (06:00–06:15) overlaps 'morning' (05:30–06:30) on sun "
            + "in station 'x'")
    }

    @Test func sameSlotNameTwiceOnOneDay() {
        check(base.replacingOccurrences(of: "name: evening", with: "name: morning") + message(),
              "plan.yaml:9:7: error: two slots named 'morning' on the same day (mon) in template 'ward'")
    }

    @Test func slotPastMidnightOrZeroLength() {
        let late = "    - {name: late, days: [mon-fri], start: \"23:50\", length: 15m}\n"
        check(base.replacingOccurrences(of: "stations:\n", with: late + "stations:\n") + message(),
              "plan.yaml:10:61: error: slot 'late' (23:50, 15m) runs past midnight")
        check(base.replacingOccurrences(of: "length: 15m}\nstations", with: "length: 0m}\nstations") + message(),
              "plan.yaml:9:64: error: slot 'evening' has zero length")
    }

    @Test func unknownWeekday() {
        check(base.replacingOccurrences(of: "[mon-fri], start: \"17", with: "[mon-fry], start: \"17") + message(),
              "plan.yaml:9:30: error: unknown weekday 'mon-fry': use mon…sun or t2…t7, cn, and ranges like "
              + "mon-fri, t2-t6")
    }

    @Test func fromAfterTo() {
        check(base + message("    from: 2026-06-20\n    to: 2026-06-10"),
              "plan.yaml:17:11: error: 'from' (2026-06-20) is after 'to' (2026-06-10)")
        check(header.replacingOccurrences(of: "to: 2026-06-30", with: "to: 2026-05-30") + "stations: []\n",
              "plan.yaml:4:18: error: 'from' (2026-06-01) is after 'to' (2026-05-30)")
    }

    @Test func windowOutsidePlanPeriod() {
        check(base + message("    to: 2026-07-15"),
              "plan.yaml:17:9: error: the window ends 2026-07-15, after the plan period 2026-06-01…2026-06-30")
        check(base + message("    from: 2026-05-25"),
              "plan.yaml:17:11: error: the window starts 2026-05-25, before the plan period 2026-06-01…2026-06-30")
    }

    @Test func countBelowOne() {
        check(base + message().replacingOccurrences(of: "count: 1", with: "count: 0"),
              "plan.yaml:16:22: error: 'count' must be 1 to 10000 (it is 0)")
    }

    @Test func bothOrNeitherAudioAndText() {
        check(base + message("    text: \"Kính thưa bà con\""),
              "plan.yaml:17:5: error: message 'm1' has both 'audio' and 'text'; give exactly one")
        check(base + message().replacingOccurrences(of: "    audio: a.wav\n", with: ""),
              "plan.yaml:14:5: error: message 'm1' needs exactly one of 'audio' or 'text', and has neither")
    }

    @Test func invalidTimezone() {
        check(header.replacingOccurrences(of: "  title: Test\n", with: "  title: Test\n  timezone: Asia/Ho_Chi_Min\n")
              + "stations: []\n",
              "plan.yaml:4:13: error: invalid timezone 'Asia/Ho_Chi_Min'; did you mean 'Asia/Ho_Chi_Minh'?")
    }

    @Test func includeCycle() {
        let f = Fixture()
        f.write("plan.yaml", header + "include: [more/a.yaml]\n" + "stations:\n  - {id: a, slots: []}\n")
        f.write("more/a.yaml", "include:\n  - b.yaml\n")
        f.write("more/b.yaml", "include: [a.yaml]\n")
        let errors = f.errors(f.load())
        #expect(errors == ["more/b.yaml:1:11: error: include cycle: a.yaml → b.yaml → a.yaml"])
    }

    @Test func missingIncludeAndPlanInIncludedFile() {
        let f = Fixture()
        f.write("plan.yaml", header + "include: [nope.yaml, other.yaml]\n" + "stations:\n  - {id: a, slots: []}\n")
        f.write("other.yaml", header)
        let errors = f.errors(f.load())
        #expect(errors.contains("plan.yaml:6:11: error: plan file nope.yaml does not exist"), "got: \(errors)")
        #expect(errors.contains("other.yaml:1:1: error: 'plan:' belongs in the main file, not in an included file"))
    }

    @Test func missingPlanSectionAndEmptyFile() {
        check("stations:\n  - {id: a, slots: []}\n", "plan.yaml:1:1: error: missing the 'plan:' section (id, title, period)")
        check("# nothing\n", "plan.yaml:1:1: error: the file is empty")
    }

    @Test func everyProblemInOneRun() {
        let f = Fixture()
        f.write("plan.yaml", base.replacingOccurrences(of: "rural], slots: ward", with: "rural], slots: wrad")
                + message().replacingOccurrences(of: "count: 1", with: "count: 0") + "    targets: [zz]\n")
        let errors = f.errors(f.load())
        #expect(errors.count == 3, "got: \(errors)")
    }

    @Test func unknownEnumValuesAndLimits() {
        check(base + message().replacingOccurrences(of: "per: week", with: "per: weak"),
              "plan.yaml:16:30: error: unknown 'per' 'weak' (use day, week, month, quarter, window); did you mean 'week'?")
        check(base + message("    priority: urgent"),
              "plan.yaml:17:15: error: unknown priority 'urgent': use normal, priority or emergency")
        check(base + message("    max_per_day: 0"), "plan.yaml:17:18: error: 'max_per_day' must be 1 to 100 (it is 0)")
        check(base + "messages:\n  - {id: t, text: hi, voice: vi-south, airings: {count: 1, per: day}}\n",
              "plan.yaml:14:30: error: unknown voice 'vi-south' (message 't'): use vi, vi-vn-x-central or vi-vn-x-south")
        check(base + message("    id: Bad_ID").replacingOccurrences(of: "  - id: m1\n", with: "  -\n"),
              "plan.yaml:17:9: error: message id 'Bad_ID' may only contain lowercase a-z, digits and '-'")
    }
}

/// Numbers from a plan get a range before any arithmetic: values that used to trap (SIGILL) in `loa check`, `loa run`
/// and a daemon's reload are now errors at their position.
@Suite struct OutOfRangeNumberTests {
    func errors(_ yaml: String) -> [String] {
        let f = Fixture()
        f.write("plan.yaml", yaml)
        return f.errors(f.load())
    }

    @Test func hugeLengthsAreErrorsNotCrashes() {
        for length in ["99999999999999999999h", "2562047788015215h", "1e308s", "25h"] {
            let yaml = base.replacingOccurrences(of: "start: \"06:00\", length: 15m",
                                                 with: "start: \"06:00\", length: \(length)") + message()
            let errors = errors(yaml)
            #expect(errors.contains { $0.hasPrefix("plan.yaml:") && $0.contains("'length'") }, "\(length): \(errors)")
        }
    }

    @Test func hugeCountsAreErrorsNotCrashes() {
        let yaml = base + message().replacingOccurrences(of: "count: 1,", with: "count: 9223372036854775807,")
        #expect(errors(yaml) == ["plan.yaml:16:22: error: 'count' must be 1 to 10000 (it is 9223372036854775807)"])
        let perDay = base + message("    max_per_day: 4611686018427387904")
        #expect(errors(perDay) == ["plan.yaml:17:18: error: 'max_per_day' must be 1 to 100 (it is 4611686018427387904)"])
    }
}
