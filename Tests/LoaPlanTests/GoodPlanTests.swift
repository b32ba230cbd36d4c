import LoaCore
import Foundation
import LoaPlan
import Testing

@Suite struct GoodPlanTests {
    @Test func includesTemplatesVietnameseWeekdaysGroupsAndTargets() throws {
        let f = Fixture()
        f.write("plan.yaml", """
            plan:
              id: demo-2026
              title: "Demo"
              period: {from: 2026-06-01, to: 2026-08-31}
              reports: [2026-07-15]
            include: [shared/stations.yaml, messages.yaml]
            topics:
              - {id: 1.12, title: "Năm điểm nghẽn"}
            slot_templates:
              commune-daily:
                - {name: morning, days: [t2-cn], start: "05:30", length: 45m}
                - {name: evening, days: daily, start: "17:00", length: 45m}
            messages:
              - id: first
                audio: a.wav
                airings: {count: 2, per: week}

            """)
        f.write("shared/stations.yaml", """
            include: [../more-stations.yaml]
            slot_templates:
              ward-weekday:
                - {name: morning, days: [mon-fri], start: "06:00", length: 15m}
                - {name: evening, days: t2-t6, start: "17:00", length: 15m}
            stations:
              - {id: ba-dinh, name: "Phường Ba Đình", groups: [inner], slots: ward-weekday, closed: [2026-09-02]}
              - id: soc-son
                groups: [rural, north]
                slots: commune-daily
                intro: audio/ident.wav
                output: "plughw:1,0"
            """)
        f.write("more-stations.yaml", """
            stations:
              - id: ba-vi
                groups: [rural]
                slots:
                  - {name: morning, days: [t7-t2], start: "05:30", length: 1h30m}
                  - {name: evening, days: [cn, T4], start: "17:00", length: 90s}
            """)
        f.write("messages.yaml", """
            messages:
              - id: flooding
                topic: 1.12
                audio: audio/flooding.flac
                priority: emergency
                from: 2026-07-01
                airings: {count: 1, per: window}
                targets: [group:rural, ba-dinh]
                slots: [morning]
                max_per_day: 2
            """)
        let result = f.load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let plan = try #require(result.validPlan)
        #expect(plan.id == "demo-2026")
        #expect(plan.timezone.identifier == "Asia/Ho_Chi_Minh")
        #expect(plan.reports == [CivilDate("2026-07-15")!])
        #expect(plan.topics == [Topic(id: "1.12", title: "Năm điểm nghẽn")])
        // Include order: the main file's lists first, then each include (depth first).
        #expect(plan.stations.map(\.id) == ["ba-dinh", "soc-son", "ba-vi"])
        #expect(plan.messages.map(\.id) == ["first", "flooding"])

        let baDinh = try #require(plan.station("ba-dinh"))
        #expect(baDinh.name == "Phường Ba Đình")
        #expect(baDinh.slots.map(\.name) == ["morning", "evening"])
        #expect(baDinh.slots.allSatisfy { $0.days == WeekdaySet([.mon, .tue, .wed, .thu, .fri]) })
        #expect(baDinh.slots[1].start == TimeOfDay("17:00"))
        #expect(baDinh.slots[1].lengthSeconds == 900)
        #expect(baDinh.closed == [CivilDate("2026-09-02")!])

        let socSon = try #require(plan.station("soc-son"))
        #expect(socSon.name == "soc-son")
        #expect(socSon.groups == ["rural", "north"])
        #expect(socSon.slots.allSatisfy { $0.days == .all && $0.lengthSeconds == 2700 })
        #expect(socSon.intro?.path == "audio/ident.wav")
        #expect(socSon.intro?.writtenAt?.line == 11)
        #expect(socSon.output == "plughw:1,0")

        let baVi = try #require(plan.station("ba-vi"))
        #expect(baVi.slots[0].days == WeekdaySet([.sat, .sun, .mon]))
        #expect(baVi.slots[0].lengthSeconds == 5400)
        #expect(baVi.slots[1].days == WeekdaySet([.sun, .wed]))
        #expect(baVi.slots[1].lengthSeconds == 90)

        let first = try #require(plan.message("first"))
        #expect(first.window == plan.period)
        #expect(first.priority == .normal && first.maxPerDay == 1 && first.targets == [.all] && first.slotNames == nil)
        #expect(first.title == "first")
        #expect(first.quota == Quota(count: 2, per: .week))
        #expect(first.content == .audio("a.wav"))
        #expect(first.media?.path == "a.wav" && first.media?.duration == nil)

        let flooding = try #require(plan.message("flooding"))
        #expect(flooding.topic == "1.12")
        #expect(flooding.priority == .emergency)
        #expect(flooding.window == DateRange(from: CivilDate("2026-07-01")!, to: CivilDate("2026-08-31")!))
        #expect(flooding.quota == Quota(count: 1, per: .window))
        #expect(flooding.targets == [.group("rural"), .station("ba-dinh")])
        #expect(plan.targetedStations(of: flooding).map(\.id) == ["ba-dinh", "soc-son", "ba-vi"])
        #expect(flooding.slotNames == ["morning"] && flooding.maxPerDay == 2)
        #expect(flooding.location?.file.hasSuffix("messages.yaml") == true)
        #expect(flooding.location?.line == 2)
    }

    @Test func timezoneAndTextOptions() throws {
        let f = Fixture()
        f.write("plan.yaml", header.replacingOccurrences(of: "  title: Test\n", with: "  title: Test\n  timezone: Asia/Bangkok\n") + """
            stations:
              - {id: a, slots: [{name: noon, start: "11:00", length: 10m}]}
            messages:
              - {id: t, text: "Thông báo", speed: 140, pause: 1.5, airings: {count: 1, per: day}}
            """)
        let plan = try #require(f.load().validPlan)
        #expect(plan.timezone.identifier == "Asia/Bangkok")
        #expect(plan.stations[0].slots[0].days == .all)
        #expect(plan.messages[0].content == .text(TextBulletin(text: "Thông báo", voice: "vi", speed: 140, pauseSeconds: 1.5)))
        #expect(plan.messages[0].media == nil)
    }

    @Test func textOnlyKeysOnAudioMessageWarn() throws {
        let f = Fixture()
        f.write("plan.yaml", base + message("    voice: vi"))
        let result = f.load()
        #expect(result.errors.isEmpty)
        #expect(f.lines(result.diagnostics, .warning)
                == ["plan.yaml:17:5: warning: 'voice' applies only to text messages ('text'); ignored"])
    }

    @Test func vietnameseDiagnostics() {
        let f = Fixture()
        f.write("plan.yaml", base + message().replacingOccurrences(of: "count: 1", with: "count: 0"))
        let d = f.load().errors
        #expect(d.map { $0.formatted(.vi).replacingOccurrences(of: f.dir.path + "/", with: "") }
                == ["plan.yaml:16:22: error: 'count' phải từ 1 đến 10000 (đang là 0)"])
    }

    @Test func reportDateOutsideThePeriodWarns() {
        let f = Fixture()
        f.write("plan.yaml", header.replacingOccurrences(of: "  title: Test\n", with: "  title: Test\n  reports: [2026-07-15]\n")
                + "stations:\n  - {id: a, slots: []}\n")
        let result = f.load()
        #expect(result.errors.isEmpty)
        #expect(f.lines(result.diagnostics, .warning)
                == ["plan.yaml:4:13: warning: report date 2026-07-15 is outside the plan period 2026-06-01…2026-06-30"])
    }
}
