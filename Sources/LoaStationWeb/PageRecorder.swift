/// The emergency form's Record button: the microphone through getUserMedia and Web Audio, encoded in the page as a
/// 16-bit mono WAV (libsndfile decodes it; no outside script, no codec the box lacks), then sent by "Air now" as an
/// uploaded file is. Browsers give the microphone only to a secure page: `loa run --http … --tls-cert --tls-key`
/// on the LAN, or the box itself (127.0.0.1). Inlined into the page's second `<script>` by `PageRoutes`.
enum PageRecorder {
    static let script = #"""
    let recording=null,recorded=null;
    T.en.record="Record";T.en.recStop="Stop recording";T.en.noMic="The microphone is not available";
    T.vi.record="Ghi âm";T.vi.recStop="Dừng ghi âm";T.vi.noMic="Không dùng được micrô";
    function wavBlob(chunks,rate){const n=chunks.reduce((a,c)=>a+c.length,0),v=new DataView(new ArrayBuffer(44+n*2));
    const s=(o,x)=>{for(let i=0;i<x.length;i++)v.setUint8(o+i,x.charCodeAt(i))};
    s(0,"RIFF");v.setUint32(4,36+n*2,true);s(8,"WAVEfmt ");v.setUint32(16,16,true);v.setUint16(20,1,true);v.setUint16(22,1,true);
    v.setUint32(24,rate,true);v.setUint32(28,rate*2,true);v.setUint16(32,2,true);v.setUint16(34,16,true);s(36,"data");v.setUint32(40,n*2,true);
    let o=44;for(const c of chunks)for(let i=0;i<c.length;i++,o+=2){const x=Math.max(-1,Math.min(1,c[i]));v.setInt16(o,x<0?x*32768:x*32767,true)}
    return new Blob([v],{type:"audio/wav"})}
    // What "Air now" sends when no file is chosen: the last recording, once.
    function takeRecording(){const r=recorded;recorded=null;$("emRecState").textContent="";return r}
    $("emRec").onclick=async()=>{if(recording){recording.stop();return}
    let stream;try{stream=await navigator.mediaDevices.getUserMedia({audio:true})}catch(e){$("emMsg").textContent=t("noMic")+(e&&e.message?": "+e.message:"");return}
    const ctx=new AudioContext(),src=ctx.createMediaStreamSource(stream),node=ctx.createScriptProcessor(4096,1,1),chunks=[],began=Date.now();
    node.onaudioprocess=e=>chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));src.connect(node);node.connect(ctx.destination);
    $("emRec").textContent=t("recStop");$("emRec").dataset.t="recStop";recorded=null;
    const clock=setInterval(()=>$("emRecState").textContent="● "+mmss((Date.now()-began)/1000),250);
    recording={stop:async()=>{clearInterval(clock);node.disconnect();src.disconnect();stream.getTracks().forEach(x=>x.stop());
    const rate=ctx.sampleRate;await ctx.close();recording=null;recorded=wavBlob(chunks,rate);
    $("emRec").textContent=t("record");$("emRec").dataset.t="record";
    $("emRecState").textContent="✓ "+mmss(chunks.reduce((a,c)=>a+c.length,0)/rate)}}};
    applyLang();
    """#
}
