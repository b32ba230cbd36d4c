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
<h1>Loa · <span data-t="station">Đài</span> {{STATION}}</h1>
<section id="login" hidden><h2 data-t="signin">Đăng nhập</h2>
<form id="loginForm"><label><span data-t="password">Mật khẩu</span><input id="password" type="password" autocomplete="current-password"></label>
<button type="submit" data-t="signin">Đăng nhập</button> <span id="loginMsg" role="alert"></span></form></section>
<main id="main" hidden>
<section id="problems" class="bad" hidden><h2 data-t="problems">Sự cố</h2><ul id="problemList"></ul></section>
<section><h2 data-t="onair">Đang phát</h2><div id="onair" aria-live="polite">—</div></section>
<section><h2 data-t="next">Sắp phát</h2><ul id="next"></ul></section>
<section><h2 data-t="emergency">Phát khẩn cấp</h2>
<form id="emForm"><label><span data-t="text">Văn bản đọc</span><textarea id="emText" rows="3" maxlength="4000"></textarea></label>
<label><span data-t="voice">Giọng</span> <select id="emVoice"><option value="vi">Bắc</option><option value="vi-vn-x-central">Trung</option><option value="vi-vn-x-south">Nam</option></select></label>
<label><span data-t="orfile">hoặc tệp âm thanh</span><input id="emFile" type="file" accept="audio/*"></label>
<button class="danger" type="submit" data-t="send">Phát ngay</button>
<button id="emStop" type="button" data-t="stop">Dừng bản tin khẩn cấp</button> <span id="emMsg" role="status"></span></form></section>
<section><h2 data-t="today">Chương trình hôm nay</h2><table><tbody id="programme"></tbody></table></section>
<section><h2 data-t="events">Sự kiện mới nhất</h2><table><tbody id="events"></tbody></table></section>
</main>
<script>
const T={en:{station:"Station",signin:"Sign in",password:"Password",problems:"Problems",onair:"On air now",next:"Coming next",
emergency:"Emergency broadcast",text:"Text to read",voice:"Voice",orfile:"or an audio file",send:"Air now",stop:"Stop the emergency",
today:"Today's programme",events:"Latest events",left:"left",nothing:"Nothing on air",wrong:"Wrong password",sent:"On air",
kinds:{started:"started",finished:"aired",missed:"missed",failed:"failed",interrupted:"interrupted",preempted:"cut",null:"to come"}},
vi:{kinds:{started:"đang phát",finished:"đã phát",missed:"bị lỡ",failed:"lỗi",interrupted:"bị dừng",preempted:"bị ngắt",null:"chưa phát"},
left:"còn lại",nothing:"Không phát gì",wrong:"Sai mật khẩu",sent:"Đang phát"}};
let lang=localStorage.lang||(navigator.language||"vi").slice(0,2)==="en"?"en":"vi";if(localStorage.lang)lang=localStorage.lang;
const vi={};document.querySelectorAll("[data-t]").forEach(e=>vi[e.dataset.t]=e.textContent);
const t=k=>(lang==="en"?T.en[k]:(vi[k]||T.vi[k]))||k;
function applyLang(){document.documentElement.lang=lang;document.querySelectorAll("[data-t]").forEach(e=>e.textContent=t(e.dataset.t));
$("lang").textContent=lang==="en"?"Tiếng Việt":"English";if(status)render(status)}
const $=id=>document.getElementById(id);let csrf=sessionStorage.csrf||"",status=null,tick=null;
$("lang").onclick=()=>{lang=lang==="en"?"vi":"en";localStorage.lang=lang;applyLang();loadProgramme();};
async function api(path,opt={}){opt.headers=Object.assign({"X-CSRF-Token":csrf},opt.headers||{});const r=await fetch(path,opt);
if(r.status===401&&path!=="/api/v1/login"){showLogin();throw new Error("401")}return r}
function showLogin(){$("login").hidden=false;$("main").hidden=true}
const hm=s=>s?s.slice(11,16):"";const mmss=x=>{x=Math.max(0,Math.round(x));return Math.floor(x/60)+":"+String(x%60).padStart(2,"0")};
const esc=s=>String(s??"").replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"})[c]);
function render(s){status=s;status.seen=Date.now();const p=s.problems||[];$("problems").hidden=!p.length;
$("problemList").innerHTML=p.map(x=>"<li>"+esc(lang==="en"?x.en:x.vi)+"</li>").join("");
$("next").innerHTML=(s.next||[]).map(n=>"<li>"+hm(n.start)+" · "+esc(n.title||n.message||n.kind)+"</li>").join("");drawOnAir()}
function drawOnAir(){const n=status&&status.now;if(!n){$("onair").textContent=t("nothing");return}
const el=n.elapsed_s+(Date.now()-status.seen)/1000;const left=n.planned_s?mmss(n.planned_s-el):"";
$("onair").innerHTML=(n.source==="emergency"?"⚠ ":"")+esc(n.title||n.message||n.source)+(left?' — <span id="left">'+left+"</span> "+t("left"):"")}
async function loadStatus(){render(await (await api("/api/v1/status")).json())}
async function loadProgramme(){const r=await (await api("/api/v1/programme")).json();const rows=[];
for(const s of r.slots||[])for(const i of s.items)rows.push("<tr><td>"+hm(i.start)+"</td><td>"+esc(i.title||i.message||i.kind)+
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
$("emForm").onsubmit=async ev=>{ev.preventDefault();const f=$("emFile").files[0];let r;
if(f)r=await api("/api/v1/emergency?replace=1",{method:"POST",headers:{"Content-Type":f.type||"audio/wav"},body:f});
else r=await api("/api/v1/emergency?replace=1",{method:"POST",headers:{"Content-Type":"application/json"},
body:JSON.stringify({text:$("emText").value,voice:$("emVoice").value})});const j=await r.json();
$("emMsg").textContent=r.ok?t("sent"):(lang==="en"?j.en:j.vi);loadStatus()};
$("emStop").onclick=async()=>{const r=await api("/api/v1/emergency",{method:"DELETE"});const j=await r.json();
$("emMsg").textContent=r.ok?"":(lang==="en"?j.en:j.vi)};
applyLang();start().catch(()=>{});
</script></body></html>
"""#
}
