import Foundation
/// The officials' page at `/`: one self-contained file (no script, style or font from outside), Vietnamese by
/// default (`?lang=en` for English). The official logs in with an administrator's token (kept in the tab's
/// sessionStorage only); the page then reads `GET /api/v1/stations` every 2 s and `GET /api/v1/report?format=json`
/// every 30 s: each station online (called within 3 minutes) or silent for how long, or diverged; coverage so far
/// by topic and by station; what each station airs and the problems it reported; the report to download as CSV,
/// HTML or JSON.
enum HubPage {
    static func html(english: Bool) -> String {
        let t = english ? english_ : vietnamese
        return """
        <!doctype html><html lang="\(english ? "en" : "vi")"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1"><title>\(t["title"]!)</title>
        <style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.online{color:#060}.silent{color:#a60}
        .diverged,.problem{color:#b00;font-weight:bold}#error{color:#b00}button{margin-right:.5em}</style></head><body>
        <h1>\(t["title"]!)</h1>
        <form id="login"><label>\(t["token"]!) <input id="token" type="password" size="50"></label>
        <button type="submit" id="enter">\(t["enter"]!)</button></form>
        <p id="error"></p>
        <div id="main" hidden>
        <h2>\(t["stations"]!)</h2><table id="stations"><thead><tr><th>\(t["station"]!)</th><th>\(t["state"]!)</th>
        <th>\(t["onAir"]!)</th><th>\(t["problems"]!)</th><th>\(t["lastSeq"]!)</th><th>\(t["coverage"]!)</th></tr></thead><tbody></tbody></table>
        <h2>\(t["topics"]!)</h2><table id="topics"><thead><tr><th>\(t["topic"]!)</th><th>\(t["coverage"]!)</th>
        <th>\(t["aired"]!)</th></tr></thead><tbody></tbody></table>
        <h2>\(t["reports"]!)</h2><p><button data-format="csv">CSV</button><button data-format="html">HTML</button>
        <button data-format="json">JSON</button></p>
        \(HubPageAlerts.section(english: english))</div>
        <script>
        const T = \(json(t));
        const lang = "\(english ? "en" : "vi")";
        let token = sessionStorage.getItem("loa-hub-token");
        let reportAt = 0, lastReport = null;
        const $ = (id) => document.getElementById(id);
        function pct(x) { if (x === null || x === undefined) return "—";
          return (Math.round(x * 1000) / 10).toLocaleString(lang === "vi" ? "vi-VN" : "en-US") + " %"; }
        function since(s) { if (s < 90) return Math.round(s) + " " + T.seconds; if (s < 5400) return Math.round(s / 60) + " " + T.minutes;
          if (s < 172800) return Math.round(s / 3600) + " " + T.hours; return Math.round(s / 86400) + " " + T.days; }
        async function api(path) {
          const r = await fetch(path, {headers: {Authorization: "Bearer " + token}});
          if (!r.ok) { let m = r.status + ""; try { const j = await r.json(); m = lang === "vi" ? j.message_vi : j.message; } catch (e) {}
            throw new Error(m); }
          return r;
        }
        function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }
        async function refresh() {
          try {
            const status = await (await api("/api/v1/stations")).json();
            // The report reads every station's log (about 1.5 s of the hub's CPU for a city's year): every 30 s is
            // enough for coverage, while the stations' state comes every 2 s.
            if (Date.now() - reportAt > 30000) { reportAt = Date.now();
              try { lastReport = await (await api("/api/v1/report?format=json")).json(); } catch (e) { lastReport = null; } }
            const report = lastReport;
            $("error").textContent = ""; $("main").hidden = false; $("login").hidden = true;
            const byId = {}; for (const s of status) byId[s.station] = s;
            const rows = report ? report.stations.map(s => ({id: s.station, name: s.name, coverage: s.coverage}))
                                : status.map(s => ({id: s.station, name: s.station, coverage: null}));
            for (const s of status) if (!rows.find(r => r.id === s.station)) rows.push({id: s.station, name: s.station, coverage: null});
            const body = $("stations").tBodies[0]; body.innerHTML = "";
            for (const r of rows) {
              const s = byId[r.id] || {}; const row = body.insertRow(); row.id = "station-" + r.id;
              cell(row, r.name + " (" + r.id + ")");
              if (s.diverged_at) cell(row, T.diverged + " " + s.diverged_at, "diverged");
              else if (!s.last_contact) cell(row, T.never, "silent");
              else { const gone = (Date.now() - Date.parse(s.last_contact)) / 1000;
                if (gone < 180) cell(row, T.online, "online"); else cell(row, T.silent + " " + since(gone), "silent"); }
              const live = s.last_contact && !s.diverged_at && (Date.now() - Date.parse(s.last_contact)) / 1000 < 180;
              const on = s.on_air; cell(row, live && on ? (on.title || on.message || on.airing) : "—", "on-air");
              const problems = (s.problems || []).map(p => lang === "vi" ? p.vi : p.en);
              cell(row, problems.length ? problems.join("; ") : (s.status_at ? T.noProblem : "—"), problems.length ? "problem" : "");
              cell(row, s.last_seq ? s.last_seq.toLocaleString(lang === "vi" ? "vi-VN" : "en-US") : "—");
              cell(row, pct(r.coverage));
            }
            const topics = $("topics").tBodies[0]; topics.innerHTML = "";
            if (report) for (const tp of report.topics) { const row = topics.insertRow();
              cell(row, tp.topic + " " + tp.title); cell(row, pct(tp.coverage)); cell(row, (tp.full || 0).toLocaleString(lang === "vi" ? "vi-VN" : "en-US")); }
          } catch (e) { $("error").textContent = e.message; }
        }
        $("login").addEventListener("submit", (ev) => { ev.preventDefault(); token = $("token").value.trim();
          sessionStorage.setItem("loa-hub-token", token); reportAt = 0; refresh(); });
        for (const b of document.querySelectorAll("button[data-format]")) b.addEventListener("click", async () => {
          try { const f = b.dataset.format; const blob = await (await api("/api/v1/report?format=" + f + "&lang=" + lang)).blob();
            const a = document.createElement("a"); a.href = URL.createObjectURL(blob); a.download = "bao-cao." + f;
            document.body.appendChild(a); a.click(); a.remove(); } catch (e) { $("error").textContent = e.message; } });
        \(HubPageAlerts.script(english: english))
        if (token) refresh();
        setInterval(() => { if (token) refresh(); }, 2000);
        </script></body></html>
        """
    }

    /// The words as a JavaScript object literal: escaped by JSONSerialization (quotes, and `/` so no `</script>`).
    static func json(_ t: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: t, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static let vietnamese: [String: String] = [
        "title": "Loa — các đài trong thành phố", "token": "Mã truy cập quản trị:", "enter": "Đăng nhập",
        "stations": "Các đài", "station": "Đài", "state": "Trạng thái", "lastSeq": "Dòng nhật ký cuối",
        "coverage": "Độ phủ", "topics": "Độ phủ theo chủ đề", "topic": "Chủ đề", "aired": "Lượt phát trọn",
        "reports": "Tải báo cáo", "online": "Đang hoạt động", "silent": "Im lặng", "never": "Chưa liên lạc",
        "diverged": "Nhật ký bị sửa, lệch từ seq", "onAir": "Đang phát", "problems": "Sự cố", "noProblem": "Không có",
        "seconds": "giây", "minutes": "phút", "hours": "giờ", "days": "ngày",
    ]
    static let english_: [String: String] = [
        "title": "Loa — the city's stations", "token": "Administrator token:", "enter": "Log in",
        "stations": "Stations", "station": "Station", "state": "State", "lastSeq": "Last log row",
        "coverage": "Coverage", "topics": "Coverage by topic", "topic": "Topic", "aired": "Aired in full",
        "reports": "Download the report", "online": "Online", "silent": "Silent for", "never": "Never called",
        "diverged": "Log rewritten, diverged at seq", "onAir": "On air", "problems": "Problems", "noProblem": "None",
        "seconds": "s", "minutes": "min", "hours": "h", "days": "days",
    ]
}
