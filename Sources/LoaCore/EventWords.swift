import LoaL10n

// What operators read for the log's words: the log itself keeps the stable English names (SPEC §3); the journal,
// `loa log show` and the report print these.

extension EventKind {
    /// The kind in words, e.g. `phát xong` / `finished`.
    public var localized: Localized {
        switch self {
        case .started: Localized(vi: "bắt đầu", en: "started")
        case .finished: Localized(vi: "phát xong", en: "finished")
        case .interrupted: Localized(vi: "bị dừng", en: "interrupted")
        case .preempted: Localized(vi: "bị ngắt", en: "preempted")
        case .failed: Localized(vi: "lỗi", en: "failed")
        case .missed: Localized(vi: "bị lỡ", en: "missed")
        }
    }
}

extension AiringSource {
    public var localized: Localized {
        switch self {
        case .schedule: Localized(vi: "lịch phát", en: "schedule")
        case .emergency: Localized(vi: "khẩn cấp", en: "emergency")
        case .manual: Localized(vi: "thủ công", en: "manual")
        case .local: Localized(vi: "thông báo của đài", en: "local announcement")
        case .relay: Localized(vi: "tiếp sóng", en: "relay")
        }
    }
}

/// A shortfall's reason code (`too_few_slots`, …, docs/reference/schedule-file.md) in words; the code itself when
/// it is not one Loa writes.
public func shortfallCodeWords(_ code: String) -> Localized {
    switch code {
    case "no_usable_slot": Localized(vi: "không có khung giờ dùng được", en: "no usable slot")
    case "max_per_day": Localized(vi: "giới hạn số lần mỗi ngày", en: "limit per day")
    case "window_shorter_than_period": Localized(vi: "thời hạn ngắn hơn kỳ", en: "window shorter than the period")
    case "too_few_slots": Localized(vi: "quá ít khung giờ", en: "too few slots")
    case "slots_full_higher_priority": Localized(vi: "khung giờ đã đầy tin ưu tiên hơn",
                                                 en: "slots full of higher-priority airings")
    case "slots_full": Localized(vi: "khung giờ đã đầy", en: "slots full")
    default: Localized(vi: code, en: code)
    }
}

/// A number written the way the reader's language writes it: `1.713` and `67,5` in Vietnamese, `1,713` and `67.5`
/// in English. `decimals` digits after the separator.
public func localizedNumber(_ value: Double, decimals: Int = 0, language: Language = .current) -> String {
    let (group, point) = language == .vi ? (".", ",") : (",", ".")
    let scale = (0..<decimals).reduce(1.0) { r, _ in r * 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var digits = String(whole), grouped = ""
    while digits.count > 3 {
        grouped = group + String(digits.suffix(3)) + grouped
        digits = String(digits.dropLast(3))
    }
    grouped = digits + grouped
    if decimals > 0 {
        let frac = Int(scaled) - whole * Int(scale)
        let text = String(frac)
        grouped += point + String(repeating: "0", count: decimals - text.count) + text
    }
    return (value < 0 && scaled > 0 ? "-" : "") + grouped
}

/// A percentage with one decimal in the reader's language: `67,5 %` / `67.5%`.
public func localizedPercent(_ part: Double, of whole: Double, language: Language = .current) -> String {
    guard whole > 0 else { return "-" }
    let n = localizedNumber(100 * part / whole, decimals: 1, language: language)
    return language == .vi ? n + " %" : n + "%"
}
