/// The officials' page's emergency part (SPEC §8–9): a form that sends an emergency to groups or stations (a file
/// or a text, repeated every N minutes between hours, until when) through `POST /api/v1/emergencies` (the same CAP
/// document `loa hub emergency` makes), and the alerts with what became of each at each station, with a Cancel
/// button. Inserted into `HubPage` inside its `#main` block and its script (it uses that script's `api`, `cell`,
/// `lang` and `$`).
enum HubPageAlerts {
    static func section(english: Bool) -> String {
        let t = english ? englishWords : vietnameseWords
        return """
        <h2>\(t["emergency"]!)</h2>
        <form id="emergency"><fieldset><legend>\(t["targets"]!)</legend><div id="targets"></div></fieldset>
        <p><label>\(t["text"]!)<br><textarea id="em-text" rows="3" cols="60"></textarea></label></p>
        <p><label>\(t["file"]!) <input id="em-file" type="file" accept="audio/*"></label></p>
        <p><label>\(t["urgency"]!) <select id="em-urgency"><option value="immediate">\(t["immediate"]!)</option>
        <option value="expected">\(t["expected"]!)</option></select></label></p>
        <p><label>\(t["every"]!) <input id="em-repeat" type="number" min="1" size="5"></label> \(t["minutes"]!),
        <label>\(t["between"]!) <input id="em-from" type="time"></label> – <input id="em-to" type="time"></p>
        <p><label>\(t["until"]!) <input id="em-until" type="datetime-local"></label></p>
        <button type="submit" id="em-send">\(t["send"]!)</button> <span id="em-result"></span></form>
        <h2>\(t["alerts"]!)</h2><table id="alerts"><thead><tr><th>\(t["alert"]!)</th><th>\(t["state"]!)</th>
        <th>\(t["received"]!)</th><th>\(t["progress"]!)</th><th></th></tr></thead><tbody></tbody></table>
        """
    }

    static func script(english: Bool) -> String {
        """
        const TA = \(HubPage.json(english ? englishWords : vietnameseWords));
        let rosterVersion = null;
        async function loadRoster() {
          const r = await (await api("/api/v1/roster")).json();
          if (r.version === rosterVersion) return;
          rosterVersion = r.version;
          const box = $("targets"); box.innerHTML = "";
          const add = (value, label) => { const l = document.createElement("label"); const c = document.createElement("input");
            c.type = "checkbox"; c.value = value; c.id = "target-" + value.replace(":", "-"); l.appendChild(c);
            l.appendChild(document.createTextNode(" " + label + "  ")); box.appendChild(l); };
          add("all", TA.all);
          for (const g of Object.keys(r.groups).sort()) add("group:" + g, TA.group + " " + g);
          box.appendChild(document.createElement("br"));
          for (const s of r.stations) add(s, s);
        }
        function bytesToBase64(bytes) { let s = ""; for (let i = 0; i < bytes.length; i += 0x8000)
          s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)); return btoa(s); }
        async function sendEmergency(form) {
          const r = await fetch("/api/v1/emergencies", {method: "POST", headers: {Authorization: "Bearer " + token,
            "Content-Type": "application/json"}, body: JSON.stringify(form)});
          const j = await r.json();
          if (!r.ok) throw new Error(lang === "vi" ? j.message_vi : j.message);
          return j;
        }
        $("emergency").addEventListener("submit", async (ev) => { ev.preventDefault();
          try {
            const form = {targets: [...document.querySelectorAll("#targets input:checked")].map(c => c.value),
              urgency: $("em-urgency").value, voice: lang};
            const file = $("em-file").files[0];
            if (file) { form.audio = bytesToBase64(new Uint8Array(await file.arrayBuffer())); form.mime_type = file.type || "audio/mpeg"; }
            else form.text = $("em-text").value;
            if ($("em-repeat").value) form.repeat_minutes = parseInt($("em-repeat").value, 10);
            if ($("em-from").value && $("em-to").value) form.hours = $("em-from").value + "-" + $("em-to").value;
            if ($("em-until").value) form.until = new Date($("em-until").value).toISOString();
            const a = await sendEmergency(form);
            $("em-result").textContent = TA.sent + " " + a.key + " (seq " + a.seq + ", " + a.targets.length + " " + TA.stations + ")";
            refreshAlerts();
          } catch (e) { $("em-result").textContent = e.message; } });
        function progressText(a) { const c = a.counts || {}; const parts = [];
          for (const k of ["finished", "started", "delivered", "not_reached", "interrupted", "missed", "failed"])
            if (c[k]) parts.push(TA[k] + ": " + c[k].toLocaleString(lang === "vi" ? "vi-VN" : "en-US"));
          const skipped = a.stations.reduce((n, s) => n + (s.missed || 0), 0);
          if (skipped) parts.push(TA.missedInstants + ": " + skipped.toLocaleString(lang === "vi" ? "vi-VN" : "en-US"));
          const ms = a.stations.map(s => s.receipt_to_first_sample_ms).filter(x => x !== null && x !== undefined);
          if (ms.length) parts.push(TA.firstSample + " " + Math.max(...ms).toLocaleString(lang === "vi" ? "vi-VN" : "en-US") + " ms");
          return parts.join(" · "); }
        async function refreshAlerts() {
          try {
            await loadRoster();
            const list = await (await api("/api/v1/alerts")).json();
            const body = $("alerts").tBodies[0]; body.innerHTML = "";
            for (const a of list.slice().reverse()) {
              const row = body.insertRow(); row.id = "alert-" + a.seq;
              cell(row, (a.headline || a.text || a.identifier) + " — " + a.key);
              cell(row, a.action === "cancel" ? TA.cancel_msg : TA[a.state]);
              cell(row, new Date(a.received_at).toLocaleString(lang === "vi" ? "vi-VN" : "en-US"));
              const p = cell(row, progressText(a));
              p.title = a.stations.map(s => s.station + ": " + TA[s.state] + (s.reason ? " (" + TA[s.reason] + (s.reason === "offline" ? " " + s.last_contact : "") + ")" : "") + (s.missed ? " · " + TA.missedInstants + " " + s.missed : "")).join("\\n");
              const act = row.insertCell();
              if (a.action !== "cancel" && a.state === "active") { const b = document.createElement("button");
                b.textContent = TA.cancel; b.className = "cancel"; b.addEventListener("click", async () => {
                  try { await sendEmergency({cancel: [a.key]}); refreshAlerts(); } catch (e) { $("em-result").textContent = e.message; } });
                act.appendChild(b); }
            }
          } catch (e) { $("error").textContent = e.message; }
        }
        setInterval(() => { if (token && !$("main").hidden) refreshAlerts(); }, 2000);
        """
    }

    static let vietnameseWords: [String: String] = [
        "emergency": "Phát khẩn cấp", "targets": "Gửi tới", "all": "Tất cả các đài", "group": "Nhóm",
        "text": "Nội dung đọc (tổng hợp giọng nói):", "file": "hoặc tệp âm thanh:", "urgency": "Mức khẩn:",
        "immediate": "Ngay lập tức (cắt chương trình)", "expected": "Đầu khung giờ kế tiếp", "every": "Lặp lại mỗi",
        "minutes": "phút", "between": "trong khoảng", "until": "Đến lúc:", "send": "Phát khẩn cấp",
        "alerts": "Các bản tin khẩn cấp", "alert": "Bản tin", "state": "Trạng thái", "received": "Hub nhận lúc",
        "progress": "Tại các đài", "sent": "Đã gửi", "stations": "đài", "active": "Đang hiệu lực",
        "replaced": "Đã thay thế", "cancelled": "Đã huỷ", "cancel": "Huỷ", "cancel_msg": "Lệnh huỷ",
        "finished": "Đã phát xong", "started": "Đang phát", "delivered": "Đã nhận, chưa phát",
        "not_reached": "Chưa tới", "interrupted": "Bị ngắt", "missed": "Bỏ lỡ", "failed": "Lỗi",
        "firstSample": "nhận → phát chậm nhất", "never_contacted": "chưa từng liên lạc", "offline": "mất liên lạc từ",
        "not_handed_yet": "đã liên lạc, chưa nhận bản tin", "missedInstants": "lượt lặp bị bỏ lỡ",
    ]
    static let englishWords: [String: String] = [
        "emergency": "Send an emergency", "targets": "Send to", "all": "Every station", "group": "Group",
        "text": "Text to read (text-to-speech):", "file": "or an audio file:", "urgency": "Urgency:",
        "immediate": "At once (cut in)", "expected": "First in the next slot", "every": "Repeat every",
        "minutes": "minutes", "between": "between", "until": "Until:", "send": "Send the emergency",
        "alerts": "Emergency alerts", "alert": "Alert", "state": "State", "received": "Received by the hub",
        "progress": "At the stations", "sent": "Sent", "stations": "stations", "active": "In force",
        "replaced": "Replaced", "cancelled": "Cancelled", "cancel": "Cancel", "cancel_msg": "Cancel message",
        "finished": "Finished", "started": "On air", "delivered": "Received, not aired yet",
        "not_reached": "Not reached", "interrupted": "Interrupted", "missed": "Missed", "failed": "Failed",
        "firstSample": "receipt → first sample, slowest", "never_contacted": "never contacted", "offline": "offline since",
        "not_handed_yet": "called since, not handed the alert yet", "missedInstants": "repeats missed",
    ]
}
