import LoaCore
import CXlsxWriter
import LoaPlan

/// A libxlsxwriter call that failed: the C error code and libxlsxwriter's own words, with what was being done.
public struct XlsxError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let operation: String

    init(_ code: lxw_error, _ operation: String) {
        self.code = Int32(code.rawValue)
        message = String(cString: lxw_strerror(code))
        self.operation = operation
    }

    init(code: Int32, message: String, operation: String) {
        self.code = code; self.message = message; self.operation = operation
    }

    public var description: String { "xlsx: \(operation): \(message) (libxlsxwriter error \(code))" }
}

/// A cell style made by `Workbook.style(…)`; valid for the workbook that made it.
public struct XlsxStyle {
    fileprivate let format: UnsafeMutablePointer<lxw_format>?
    /// No style: the sheet's default.
    public static var plain: XlsxStyle { XlsxStyle(format: nil) }
}

/// One .xlsx file being written: the only place Loa calls libxlsxwriter. libxlsxwriter builds the workbook in
/// memory and writes the file on `close()`; a workbook dropped without `close()` is freed and leaves no file.
/// Not thread-safe (one workbook, one thread).
public final class Workbook {
    private var book: UnsafeMutablePointer<lxw_workbook>?
    public let path: String

    public init(path: String) throws {
        self.path = path
        guard let b = path.withCString({ workbook_new($0) }) else {
            throw XlsxError(code: -1, message: "cannot create a workbook", operation: "new \(path)")
        }
        book = b
    }

    deinit { if let book { lxw_workbook_free(book) } }

    /// A new sheet; `name` is cut to Excel's 31 characters and stripped of the characters Excel forbids.
    public func addSheet(_ name: String) throws -> Sheet {
        let book = try open()
        let clean = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        guard let sheet = clean.withCString({ workbook_add_worksheet(book, $0) }) else {
            throw XlsxError(code: -1, message: "sheet name refused (empty, too long or used twice)",
                            operation: "add sheet '\(clean)'")
        }
        return Sheet(sheet: sheet, name: clean)
    }

    /// A cell style: bold, wrapped text, a number format such as `#,##0`, `0.0%` or `dd/mm/yyyy`.
    public func style(bold: Bool = false, wrap: Bool = false, numberFormat: String? = nil,
                      background: UInt32? = nil) throws -> XlsxStyle {
        let book = try open()
        guard let f = workbook_add_format(book) else {
            throw XlsxError(LXW_ERROR_MEMORY_MALLOC_FAILED, "add format")
        }
        if bold { format_set_bold(f) }
        if wrap { format_set_text_wrap(f) }
        if let numberFormat { numberFormat.withCString { format_set_num_format(f, $0) } }
        if let background { format_set_bg_color(f, lxw_color_t(background)) }
        return XlsxStyle(format: f)
    }

    /// Writes the file. The workbook cannot be used afterwards.
    public func close() throws {
        let book = try open()
        self.book = nil
        let rc = workbook_close(book)  // frees the workbook whatever it returns
        if rc != LXW_NO_ERROR { throw XlsxError(rc, "write \(path)") }
    }

    private func open() throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let book else { throw XlsxError(code: -1, message: "workbook already closed", operation: path) }
        return book
    }
}

/// One worksheet of a `Workbook`; rows and columns count from 0. Valid until its workbook is closed.
public struct Sheet {
    fileprivate let sheet: UnsafeMutablePointer<lxw_worksheet>
    public let name: String

    public func write(_ row: Int, _ col: Int, _ text: String, _ style: XlsxStyle = .plain) throws {
        let rc = text.withCString { worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(col), $0, style.format) }
        try check(rc, row, col)
    }

    public func write(_ row: Int, _ col: Int, _ number: Double, _ style: XlsxStyle = .plain) throws {
        try check(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(col), number, style.format), row, col)
    }

    public func write(_ row: Int, _ col: Int, _ number: Int, _ style: XlsxStyle = .plain) throws {
        try write(row, col, Double(number), style)
    }

    /// A calendar date as an Excel date (give a style with a date number format).
    public func write(_ row: Int, _ col: Int, _ date: CivilDate, _ style: XlsxStyle) throws {
        var dt = lxw_datetime(year: Int32(date.year), month: Int32(date.month), day: Int32(date.day), hour: 0,
                              min: 0, sec: 0)
        try check(worksheet_write_datetime(sheet, lxw_row_t(row), lxw_col_t(col), &dt, style.format), row, col)
    }

    public func writeBlank(_ row: Int, _ col: Int, _ style: XlsxStyle = .plain) throws {
        try check(worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(col), style.format), row, col)
    }

    /// Width of columns `first…last` in characters.
    public func setColumns(_ first: Int, _ last: Int, width: Double) throws {
        let rc = worksheet_set_column(sheet, lxw_col_t(first), lxw_col_t(last), width, nil)
        if rc != LXW_NO_ERROR { throw XlsxError(rc, "\(name): column width \(first)…\(last)") }
    }

    /// Keeps rows above `row` and columns left of `col` in view while scrolling.
    public func freeze(rows row: Int, columns col: Int = 0) {
        worksheet_freeze_panes(sheet, lxw_row_t(row), lxw_col_t(col))
    }

    public func landscape() { worksheet_set_landscape(sheet); worksheet_set_paper(sheet, 9) }  // 9 = A4

    private func check(_ rc: lxw_error, _ row: Int, _ col: Int) throws {
        if rc != LXW_NO_ERROR { throw XlsxError(rc, "\(name): cell \(cellName(row, col))") }
    }
}

/// `A1` style name of a cell, for error messages.
func cellName(_ row: Int, _ col: Int) -> String {
    var c = col, letters = ""
    repeat { letters = String(UnicodeScalar(UInt8(65 + c % 26))) + letters; c = c / 26 - 1 } while c >= 0
    return "\(letters)\(row + 1)"
}
