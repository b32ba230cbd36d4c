import LoaCore
import LoaL10n

/// The document's words: the plan's own terms for its figures, the counting rules in full sentences, the heading
/// and signature block of an official report.
extension Labels {
    var docTitle: String { t("BÁO CÁO", "REPORT") }
    var docSubtitle: String {
        t("Kết quả thông tin, tuyên truyền trên hệ thống đài truyền thanh cơ sở",
          "Results of the communication plan on the commune loudspeaker stations")
    }
    var nation: String { t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM") }
    var motto: String { t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness") }
    var number: String { t("Số", "No.") }
    var madeOn: String { t("Ngày lập", "Made on") }
    var issuedBy: String { t("Đơn vị báo cáo", "Issued by") }
    var forStations: String { t("Phạm vi", "Scope") }
    var allStations: String { t("tất cả các đài trong kế hoạch", "every station in the plan") }
    var recipients: String { t("Nơi nhận:", "To:") }
    var recipientsLines: [String] { lang == .vi ? ["- Như trên;", "- Lưu: VT."] : ["- As above;", "- File."] }
    var preparer: String { t("NGƯỜI LẬP BÁO CÁO", "PREPARED BY") }
    var signHint: String { t("(Ký, ghi rõ họ tên)", "(signature and full name)") }
    var page: String { t("Trang", "Page") }

    var figures: String { t("I. Các chỉ tiêu của kế hoạch", "I. The plan's figures") }
    var products: String { t("Số lượng sản phẩm truyền thông", "Media products aired") }
    var productsMessages: String { t("sản phẩm (tin, bài) đã phát", "products (messages) aired") }
    var coverageTitle: String { t("Độ phủ thông tin", "Information coverage") }
    var reachTitle: String { t("Mức độ tiếp cận", "People reached") }
    var people: String { t("người", "people") }
    var households: String { t("hộ", "households") }
    var population: String { t("Dân số", "Population") }
    var householdsCol: String { t("Số hộ", "Households") }
    var peopleReached: String { t("Số người được tiếp cận", "People reached") }
    var householdsReached: String { t("Số hộ được tiếp cận", "Households reached") }
    var noPopulation: String {
        t("chưa tính được: kế hoạch chưa ghi dân số ('population:') của đài",
          "not known: the plan gives no station's population ('population:')")
    }
    var howCounted: String { t("Cách tính", "How counted") }
    var ruleProducts: String {
        t("Số tin, bài khác nhau của kế hoạch có ít nhất một lượt phát trọn vẹn trong kỳ; lượt phát = mọi lượt đã "
          + "lên sóng (trọn vẹn, bị ngắt, bị chen, không rõ kết thúc); thời lượng = tổng số giây đã phát của các lượt đó.",
          "Distinct plan messages with at least one airing in full in the period; airings = every airing that went on "
          + "air (in full, interrupted, pre-empted, no ending); airtime = the seconds those airings played.")
    }
    var ruleCoverage: String {
        t("Tỉ lệ lượt giao (một tin tại một đài) đã phát đủ số lượt phải phát trong từng kỳ định mức đến hạn, trên "
          + "tổng số lượt giao có phải phát. Một lượt giao thiếu dù chỉ một kỳ là chưa đạt.",
          "Share of assignments (one message at one station) that aired all they owed in every quota period due, out "
          + "of the assignments that owed anything. An assignment short in any one period is not met.")
    }
    var ruleReach: String {
        t("Tổng dân số (số hộ) theo kế hoạch của các đài đã phát trọn vẹn ít nhất một tin của kế hoạch trong kỳ.",
          "The population (households) the plan gives for the stations that aired at least one plan message in full "
          + "in the period.")
    }
    var owedTitle: String { t("II. Phải phát và đã phát", "II. Owed and aired") }
    var ruleOwed: String {
        t("Phải phát trong kỳ = định mức của mọi kỳ định mức (ngày, tuần ISO, tháng, quý) KẾT THÚC trong kỳ báo cáo, "
          + "tính trọn kỳ. Một tuần bắt đầu trước ngày đầu kỳ báo cáo thuộc báo cáo này; các lượt phát trọn vẹn của nó "
          + "trước ngày đầu kỳ được tính (cột “Trước kỳ”). Kỳ định mức còn dang dở vào ngày cuối kỳ (ví dụ quý kết thúc "
          + "sau ngày báo cáo) thuộc báo cáo sau; các lượt đã phát cho nó nằm ở cột “Cho kỳ sau”. Mỗi kỳ định mức tính "
          + "tối đa số lượt phải phát (cột “Tính vào định mức”); lượt vượt bù cho kỳ trước còn thiếu là “Phát bù”, còn "
          + "lại là “Phát vượt”. Phát đủ trong kỳ + Trước kỳ = Tính vào định mức + Phát bù + Phát vượt + Cho kỳ sau + "
          + "Ngoài định mức.",
          "Owed in the period = the quota of every quota period (day, ISO week, month, quarter) that ENDS inside the "
          + "report period, counted whole. A week that began before the report's first day belongs to this report, "
          + "and its airings in full before that day count (column “Before the period”). A quota period still running "
          + "on the last day (e.g. a quarter ending after the report date) belongs to the next report; airings toward "
          + "it are in “Toward next report”. Each quota period counts at most what it owes (“Counted toward owed”); "
          + "beyond that an airing that fills an earlier period's shortfall is a “Make-up”, the rest “Over-delivery”. "
          + "Aired in full in the period + Before the period = Counted toward owed + Make-ups + Over-delivery + Toward "
          + "next report + Outside any quota.")
    }
    var delivered: String { t("Tính vào định mức", "Counted toward owed") }
    var makeups: String { t("Phát bù", "Make-ups") }
    var extra: String { t("Phát vượt", "Over-delivery") }
    var earlier: String { t("Trước kỳ", "Before the period") }
    var pending: String { t("Cho kỳ sau", "Toward next report") }
    var unowed: String { t("Ngoài định mức", "Outside any quota") }
    var shortfall: String { t("Còn thiếu", "Short") }
    var fullInPeriod: String { t("Phát đủ trong kỳ", "Aired in full in the period") }
    var notMetWhy: String {
        t("chưa đạt: thiếu ở ít nhất một kỳ định mức", "not met: short in at least one quota period")
    }
    var sourceCol: String { t("Nguồn phát", "Source") }
    var sourcesTitle: String { t("Thời lượng theo nguồn phát", "Airtime by source") }
    func source(_ s: String) -> String {
        switch s {
        case "schedule": return t("Tin bài theo kế hoạch", "Plan messages")
        case "local": return t("Thông báo của địa phương", "Local announcements")
        case "manual": return t("Phát thủ công", "Played by hand")
        case "relay": return t("Tiếp sóng", "Relays")
        case "emergency": return t("Khẩn cấp", "Emergencies")
        default: return s
        }
    }
    var detailTitle: String { t("III. Chi tiết", "III. Details") }
    var annex: String { t("Phụ lục kỹ thuật", "Technical annex") }
    var annexNote: String {
        t("Mã (id) của kế hoạch, đài và tin; nhật ký đã đọc và kết quả kiểm tra chuỗi băm.",
          "Ids of the plan, stations and messages; the logs read and their hash-chain check.")
    }
    var kind: String { t("Loại", "Kind") }
    var id: String { t("Mã", "Id") }
    var name: String { t("Tên", "Name") }
    var value: String { t("Giá trị", "Value") }
    var indicator: String { t("Chỉ tiêu", "Figure") }
    var from: String { t("Từ ngày", "From") }
    var to: String { t("Đến ngày", "To") }
    var otherPlans: String { t("Sự kiện kế hoạch khác", "Other plans' events") }
    var stationsCount: String { t("Số đài", "Stations") }
}
