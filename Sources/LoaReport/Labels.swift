import LoaCore
import LoaL10n

/// Every label the report formats print, in Vietnamese and English. CSV and HTML use them; JSON keeps fixed
/// English field names.
struct Labels {
    let lang: Language
    init(lang: Language) { self.lang = lang }
    func t(_ vi: String, _ en: String) -> String { lang == .vi ? vi : en }

    var title: String { t("Báo cáo độ phủ thông tin", "Information coverage report") }
    var plan: String { t("Kế hoạch", "Plan") }
    var period: String { t("Kỳ báo cáo", "Period") }
    var summary: String { t("Tổng hợp", "Summary") }
    var warnings: String { t("Cảnh báo", "Warnings") }
    var logs: String { t("Nhật ký", "Logs") }
    var chain: String { t("Chuỗi băm", "Hash chain") }
    var chainOK: String { t("hợp lệ", "verifies") }
    var chainBroken: String { t("hỏng từ dòng", "broken at row") }
    var events: String { t("Sự kiện", "Events") }
    var duplicates: String { t("Trùng lặp", "Duplicates") }

    var message: String { t("Tin", "Message") }
    var messageID: String { t("Mã tin", "Message id") }
    var station: String { t("Đài", "Station") }
    var stationID: String { t("Mã đài", "Station id") }
    var topic: String { t("Chủ đề", "Topic") }
    var titleCol: String { t("Tên", "Title") }
    var owed: String { t("Phải phát", "Owed") }
    var full: String { t("Phát đủ", "Aired in full") }
    var interrupted: String { t("Bị ngắt", "Interrupted") }
    var preempted: String { t("Bị chen (khẩn cấp)", "Pre-empted") }
    var missed: String { t("Bỏ lỡ", "Missed") }
    var failed: String { t("Lỗi", "Failed") }
    var unclosed: String { t("Không rõ kết thúc", "No ending") }
    var airtime: String { t("Thời lượng (giây)", "Airtime (s)") }
    var airtimeHours: String { t("Thời lượng phát", "Airtime") }
    var met: String { t("Đạt", "Met") }
    var yes: String { t("có", "yes") }
    var no: String { t("không", "no") }
    var coverage: String { t("Độ phủ", "Coverage") }
    var targeted: String { t("Số đài được giao", "Stations targeted") }
    var owing: String { t("Số đài phải phát", "Stations owing") }
    var stationsMet: String { t("Số đài đạt", "Stations met") }
    var messages: String { t("Số tin", "Messages") }
    var messagesAired: String { t("Số tin đã phát", "Messages aired") }
    var pairsOwing: String { t("Lượt giao (tin × đài)", "Assignments (message × station)") }
    var pairsMet: String { t("Lượt giao đạt", "Assignments met") }
    var airings: String { t("Lượt phát", "Airings") }
    var stationsAired: String { t("Số đài đã phát", "Stations that aired") }

    var perPair: String { t("Theo tin và đài", "Per message and station") }
    var perMessage: String { t("Theo tin", "Per message") }
    var perTopic: String { t("Theo chủ đề", "Per topic") }
    var perStation: String { t("Theo đài", "Per station") }
    var coverageByTopic: String { t("Độ phủ theo chủ đề", "Coverage per topic") }
    var heatMap: String { t("Lượt phát theo đài và tuần", "Airings per station and week") }
    var week: String { t("Tuần", "Week") }
    var noTopic: String { t("(không chủ đề)", "(no topic)") }
    var notApplicable: String { t("—", "—") }
    var notes: String {
        t("Phải phát: số lượt theo định mức của các kỳ (ngày/tuần/tháng/quý) kết thúc trong kỳ báo cáo. "
          + "Độ phủ: tỉ lệ đài đã phát đủ số lượt phải phát. Một lượt phát có trong nhiều nhật ký chỉ tính một lần.",
          "Owed: airings the quota asks for in the periods (day/week/month/quarter) ending inside the report period. "
          + "Coverage: share of stations that aired all they owed. An airing found in several logs counts once.")
    }
}
