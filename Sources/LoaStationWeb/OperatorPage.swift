/// The operator's page: one file, served from the binary, nothing loaded from outside the box. Vietnamese by default
/// (the browser's language or the switch picks English); large type for a phone; data from the JSON API, live from
/// the event stream.
enum OperatorPage {
    static let html = #"""
<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Loa · {{STATION}}</title>
<style>
body{font:18px/1.45 system-ui,sans-serif;margin:0 auto;max-width:46em;padding:.6em;color:#111;background:#fafafa}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1em 0 .3em;border-bottom:2px solid #ddd}
section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.6em .8em;margin:.6em 0}
#onair{font-size:1.25em}#left{font-weight:bold}.bad{background:#fde8e8;border-color:#e99}
button,input,select,textarea{font-size:1em;padding:.45em;margin:.2em 0;box-sizing:border-box}
textarea,input[type=password],input[type=file]{width:100%}button{min-height:2.6em;padding:.4em 1em}
.danger{background:#c00;color:#fff;border:0;border-radius:6px}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25em .3em;border-bottom:1px solid #eee;vertical-align:top}small{color:#555}
.finished{color:#060}.missed,.failed,.interrupted,.preempted{color:#a00}nav{float:right}
</style></head><body>
<nav><button id="lang" type="button">English</button></nav>
<h1>Loa · {{STATION}}</h1>
<section id="login" hidden><h2 data-t="signin">Đăng nhập</h2>
<form id="loginForm"><label><span data-t="password">Mật khẩu</span><input id="password" type="password" autocomplete="current-password"></label>
<button type="submit" data-t="signin">Đăng nhập</button> <span id="loginMsg" role="alert"></span></form></section>
<main id="main" hidden>
<section id="problems" class="bad" hidden><h2 data-t="problems">Sự cố</h2><ul id="problemList"></ul></section>
<section><h2 data-t="onair">Đang phát</h2><div id="onair" aria-live="polite">—</div></section>
<section id="alerts" class="bad" hidden><h2 data-t="alerts">Cảnh báo khẩn cấp của thành phố</h2><div id="alertOnAir"></div><ul id="alertNext"></ul></section>
<section><h2 data-t="next">Sắp phát</h2><ul id="next"></ul></section>
<section><h2 data-t="emergency">Phát khẩn cấp</h2>
<form id="emForm"><label><span data-t="text">Văn bản đọc</span><textarea id="emText" rows="3" maxlength="4000"></textarea></label>
<label><span data-t="voice">Giọng</span> <select id="emVoice"><option value="vi">Bắc</option><option value="vi-vn-x-central">Trung</option><option value="vi-vn-x-south">Nam</option></select></label>
<label><span data-t="orfile">hoặc tệp âm thanh</span><input id="emFile" type="file" accept="audio/*" capture></label>
<button id="emRec" type="button" data-t="record">Ghi âm</button> <span id="emRecState" role="status"></span><br>
<button class="danger" type="submit" data-t="send">Phát ngay</button>
<button id="emStop" type="button" data-t="stop">Dừng bản tin khẩn cấp</button> <span id="emMsg" role="status"></span></form></section>
<section><h2><span data-t="programme">Chương trình</span> <select id="day"><option value="0" data-t="todayOpt">hôm nay</option><option value="1" data-t="tomorrowOpt">ngày mai</option></select></h2><table><tbody id="programme"></tbody></table></section>
<section><h2 data-t="local">Thông báo của địa phương</h2><ul id="annList"></ul>
<form id="annForm"><label><span data-t="title">Tiêu đề</span><input id="annTitle" required maxlength="200" style="width:100%"></label>
<label><span data-t="text">Văn bản đọc</span><textarea id="annText" rows="2" maxlength="4000"></textarea></label>
<label><span data-t="orfile">hoặc tệp âm thanh</span><input id="annFile" type="file" accept="audio/*"></label>
<label><span data-t="from">Từ ngày</span> <input id="annFrom" type="date"></label> <label><span data-t="to">đến</span> <input id="annTo" type="date"></label><br>
<label><input id="annCount" type="number" min="1" max="24" value="1" style="width:4em"> <span data-t="times">lần mỗi</span></label>
<select id="annPer"><option value="day" data-t="perDay">ngày</option><option value="week" data-t="perWeek">tuần</option></select>
<button type="submit" data-t="add">Thêm</button> <span id="annMsg" role="status"></span></form></section>
<section><h2 data-t="slots">Giờ phát</h2><form id="slotForm"><table><tbody id="slotRows"></tbody></table>
<button type="submit" data-t="save">Lưu giờ phát</button> <span id="slotMsg" role="status"></span></form></section>
<section><h2 data-t="events">Sự kiện mới nhất</h2><table><tbody id="events"></tbody></table></section>
</main>
<script>
const T={en:{station:"Station",signin:"Sign in",password:"Password",problems:"Problems",onair:"On air now",next:"Coming next",
emergency:"Emergency broadcast",text:"Text to read",voice:"Voice",orfile:"or an audio file",send:"Air now",stop:"Stop the emergency",
programme:"Programme",relay:"Relay",outage:"Outage",alerts:"The city's emergency alerts",alertOnAir:"On air",alertNext:"next",alertSlot:"first in the next slot",todayOpt:"today",tomorrowOpt:"tomorrow",events:"Latest events",local:"Local announcements",
title:"Title",from:"From",to:"to",times:"times a",perDay:"day",perWeek:"week",add:"Add",slots:"Slot times",save:"Save slot times",
saved:"Saved",remove:"Remove",short:"Cannot all fit",left:"left",nothing:"Nothing on air",wrong:"Wrong password",sent:"On air",
kinds:{started:"started",finished:"aired",missed:"missed",failed:"failed",interrupted:"interrupted",preempted:"cut",null:"to come"}},
vi:{relay:"Tiếp sóng",outage:"Mất tín hiệu",kinds:{started:"đang phát",finished:"đã phát",missed:"bị lỡ",failed:"lỗi",interrupted:"bị dừng",preempted:"bị ngắt",null:"chưa phát"},
left:"còn lại",nothing:"Không phát gì",alertOnAir:"Đang phát",alertNext:"lần tới",alertSlot:"đầu khung giờ tới",saved:"Đã lưu",remove:"Xoá",short:"Không xếp đủ",wrong:"Sai mật khẩu",sent:"Đang phát"}};
// Vietnamese unless this operator chose English with the switch (remembered on this phone).
let lang=localStorage.lang==="en"?"en":"vi";
const vi={};document.querySelectorAll("[data-t]").forEach(e=>vi[e.dataset.t]=e.textContent);
const t=k=>(lang==="en"?T.en[k]:(vi[k]||T.vi[k]))||k;
function applyLang(){document.documentElement.lang=lang;document.querySelectorAll("[data-t]").forEach(e=>e.textContent=t(e.dataset.t));
$("lang").textContent=lang==="en"?"Tiếng Việt":"English";if(status)render(status)}
const $=id=>document.getElementById(id);let csrf=sessionStorage.csrf||"",status=null,tick=null;
$("lang").onclick=()=>{lang=lang==="en"?"vi":"en";localStorage.lang=lang;applyLang();loadProgramme();};
async function api(path,opt={}){opt.headers=Object.assign({"X-CSRF-Token":csrf},opt.headers||{});const r=await fetch(path,opt);
if(r.status===401&&path!=="/api/v1/login"){showLogin();throw new Error("401")}return r}
function showLogin(){$("login").hidden=false;$("main").hidden=true}
const hm=s=>s?s.slice(11,16):"";
// Another day than the station's today gets its date (dd/mm) before the time.
const when=s=>(status&&s.slice(0,10)!==status.at.slice(0,10)?s.slice(8,10)+"/"+s.slice(5,7)+" ":"")+hm(s);const mmss=x=>{x=Math.max(0,Math.round(x));return Math.floor(x/60)+":"+String(x%60).padStart(2,"0")};
const esc=s=>String(s??"").replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"})[c]);
function render(s){status=s;status.seen=Date.now();const p=s.problems||[];$("problems").hidden=!p.length;
$("problemList").innerHTML=p.map(x=>"<li>"+esc(lang==="en"?x.en:x.vi)+"</li>").join("");
$("next").innerHTML=(s.next||[]).map(n=>"<li>"+when(n.start)+" · "+esc(n.title||n.message||n.kind)+"</li>").join("");drawAlerts(s.alerts);drawOnAir()}
// The fleet's alerts (issue 17): the one on air, and each still to air with its next time.
function drawAlerts(a){const on=a&&a.on_air,up=(a&&a.upcoming)||[];$("alerts").hidden=!on&&!up.length;
$("alertOnAir").innerHTML=on?"⚠ "+t("alertOnAir")+": <b>"+esc(on.headline||on.identifier)+"</b> <small>"+esc(on.identifier)+"</small>":"";
$("alertNext").innerHTML=up.map(u=>"<li>"+esc(u.headline||u.identifier)+" <small>"+esc(u.identifier)+"</small> — "+t("alertNext")+" "+
(u.next?when(u.next):"")+(u.mode==="next_slot"?" ("+t("alertSlot")+")":"")+"</li>").join("")}
function drawOnAir(){const n=status&&status.now;if(!n){$("onair").textContent=t("nothing");return}
const el=n.elapsed_s+(Date.now()-status.seen)/1000;const left=n.planned_s?mmss(n.planned_s-el):"";
$("onair").innerHTML=(n.source==="emergency"?"⚠ ":"")+esc(n.title||n.message||n.source)+(left?' — <span id="left">'+left+"</span> "+t("left"):"")}
async function loadStatus(){render(await (await api("/api/v1/status")).json())}
// Dates on the station's calendar: from its own clock (status.at), not the phone's.
const ymd=d=>{const b=status?Date.parse(status.at.slice(0,10)+"T00:00:00Z"):Date.now();return new Date(b+d*864e5).toISOString().slice(0,10)};
// A relay's outages: when each began, how long, why (its `missed` rows).
const outages=o=>(o||[]).map(x=>"<br><small class='missed'>"+esc(t("outage"))+" "+esc(x.at.slice(11,19))+", "+
Math.round(x.seconds)+" s"+(x.detail?": "+esc(x.detail):"")+"</small>").join("");
async function loadProgramme(){const r=await (await api("/api/v1/programme?date="+ymd(+$("day").value))).json();const rows=[];
for(const s of r.slots||[])for(const i of s.items)rows.push("<tr><td>"+hm(i.start)+"</td><td>"+
(i.kind==="relay"?"<span class='relay'>"+esc(t("relay"))+"</span> "+esc(s.slot)+outages(i.outages):esc(i.title||i.message||i.kind))+
"</td><td class='"+(i.outcome||"")+"'>"+esc(t("kinds")[i.outcome]||i.outcome)+(i.detail?"<br><small>"+esc(i.detail)+"</small>":"")+"</td></tr>");
$("programme").innerHTML=rows.join("")}
function addEvent(e){const tr=document.createElement("tr");tr.innerHTML="<td>"+esc(e.at.slice(11,19))+"</td><td class='"+e.kind+"'>"+
esc(t("kinds")[e.kind]||e.kind)+"</td><td>"+esc(e.message||e.source)+(e.detail?"<br><small>"+esc(e.detail)+"</small>":"")+"</td>";
$("events").prepend(tr);while($("events").children.length>30)$("events").lastChild.remove()}
async function start(){$("login").hidden=true;$("main").hidden=false;await loadStatus();await loadProgramme();
const log=await (await api("/api/v1/log?after="+Math.max(0,status.log.last_seq-20)+"&limit=20")).json();log.forEach(addEvent);
const es=new EventSource("/api/v1/events");es.addEventListener("status",m=>render(JSON.parse(m.data)));
es.addEventListener("airing",m=>{addEvent(JSON.parse(m.data));loadProgramme()});clearInterval(tick);tick=setInterval(drawOnAir,1000)}
$("loginForm").onsubmit=async ev=>{ev.preventDefault();const r=await api("/api/v1/login",{method:"POST",headers:{"Content-Type":"application/json"},
body:JSON.stringify({password:$("password").value})});const j=await r.json();
if(!r.ok){$("loginMsg").textContent=lang==="en"?j.en:j.vi;return}csrf=j.csrf;sessionStorage.csrf=csrf;start()};
$("emForm").onsubmit=async ev=>{ev.preventDefault();const f=$("emFile").files[0]||takeRecording();let r;
if(f)r=await api("/api/v1/emergency?replace=1",{method:"POST",headers:{"Content-Type":f.type||"audio/wav"},body:f});
else r=await api("/api/v1/emergency?replace=1",{method:"POST",headers:{"Content-Type":"application/json"},
body:JSON.stringify({text:$("emText").value,voice:$("emVoice").value})});const j=await r.json();
$("emMsg").textContent=r.ok?t("sent"):(lang==="en"?j.en:j.vi);loadStatus()};
$("emStop").onclick=async()=>{const r=await api("/api/v1/emergency",{method:"DELETE"});const j=await r.json();
$("emMsg").textContent=r.ok?"":(lang==="en"?j.en:j.vi)};
$("day").onchange=loadProgramme;
const say=(el,r,j,ok)=>{$(el).textContent=r.ok?ok:(lang==="en"?j.en:j.vi)};
async function loadAnn(){const j=await (await api("/api/v1/announcements")).json();
$("annList").innerHTML=(j.announcements||[]).map(a=>"<li>"+esc(a.title)+" <small>"+a.from+"…"+a.to+", "+a.airings.count+"/"+a.airings.per+
"</small> <button type='button' data-id='"+esc(a.id)+"'>"+t("remove")+"</button></li>").join("");
$("annList").querySelectorAll("button").forEach(b=>b.onclick=async()=>{await api("/api/v1/announcements/"+b.dataset.id,{method:"DELETE"});loadAnn();loadProgramme()})}
$("annForm").onsubmit=async ev=>{ev.preventDefault();const f=$("annFile").files[0];let r;
const q={title:$("annTitle").value,from:$("annFrom").value,to:$("annTo").value,count:+$("annCount").value,per:$("annPer").value};
if(f)r=await api("/api/v1/announcements?"+new URLSearchParams(q),{method:"POST",headers:{"Content-Type":f.type||"audio/wav"},body:f});
else r=await api("/api/v1/announcements",{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(Object.assign(q,{text:$("annText").value,voice:$("emVoice").value}))});
const j=await r.json();const sf=(j.shortfalls||[]).map(x=>x.period+": "+x.scheduled+"/"+x.required+" — "+(lang==="en"?x.reason:x.reason_vi)).join("; ");
$("annMsg").textContent=r.ok?(sf?t("short")+": "+sf:t("saved")):(lang==="en"?j.en:j.vi);loadAnn();loadProgramme()};
let slotVersion="";
async function loadSlots(){const j=await (await api("/api/v1/slots")).json();slotVersion=j.version;
$("slotRows").innerHTML=j.slots.map((s,i)=>"<tr><td>"+esc(s.name)+"</td><td><input type='time' id='slotStart"+i+"' value='"+s.start+"' data-name='"+esc(s.name)+
"' data-days='"+s.days.join(",")+"'></td><td><input type='number' min='1' max='240' id='slotLen"+i+"' value='"+Math.round(parseInt(s.length)/60)+"' style='width:5em'> ph</td></tr>").join("")}
$("slotForm").onsubmit=async ev=>{ev.preventDefault();const slots=[...$("slotRows").querySelectorAll("input[type=time]")].map((e,i)=>
({name:e.dataset.name,days:e.dataset.days.split(","),start:e.value,length:$("slotLen"+i).value+"m"}));
const r=await api("/api/v1/slots",{method:"PUT",headers:{"Content-Type":"application/json"},body:JSON.stringify({version:slotVersion,slots})});
const j=await r.json();say("slotMsg",r,j,t("saved"));if(r.ok){slotVersion=j.version;loadProgramme()}};
const start0=start;start=async()=>{await start0();$("annFrom").value=ymd(1);$("annTo").value=ymd(7);loadAnn().catch(()=>{});loadSlots().catch(()=>{})};
applyLang();start().catch(()=>{});
</script>
<script>{{RECORDER}}</script></body></html>
"""#
}
