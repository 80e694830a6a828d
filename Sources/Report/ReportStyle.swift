extension ReportAssets {
    /// The report's stylesheet, screen and print.
    static let css = """
    :root{--ok:#2f9e5b;--fail:#e09a2b;--info:#8d62d6;--cx:#d7263d;--fault:rgba(215,38,61,.13);--ink:#1d2430;--muted:#6b7482;--line:#e2e6ec;--bg:#f6f7f9}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
    header.banner{display:flex;gap:20px;align-items:center;padding:18px 28px;color:#fff}
    header.banner.valid{background:linear-gradient(90deg,#1f7a45,#2f9e5b)}
    header.banner.invalid{background:linear-gradient(90deg,#a3162a,#d7263d)}
    header.banner.unknown{background:linear-gradient(90deg,#9a6a10,#d39b2a)}
    header.banner.failed{background:linear-gradient(90deg,#3b3f46,#6b7280)}
    .verdict{font-size:30px;font-weight:800;letter-spacing:.06em;padding:6px 16px;border:3px solid rgba(255,255,255,.85);border-radius:8px}
    header h1{margin:0;font-size:22px}header .muted{color:rgba(255,255,255,.8);font-weight:400}
    .reason{margin:4px 0 0;max-width:1100px}
    section{background:#fff;margin:16px 24px;padding:14px 20px;border:1px solid var(--line);border-radius:8px}
    h2{margin:0 0 10px;font-size:17px}h3{margin:12px 0 6px;font-size:14px}
    .hint,.muted{color:var(--muted)}.hint{margin:0 0 8px;font-size:13px}
    .cols{display:grid;grid-template-columns:minmax(260px,1fr) 2fr;gap:24px}
    table{border-collapse:collapse}
    table.facts th{text-align:left;font-weight:500;color:var(--muted);padding:2px 14px 2px 0;white-space:nowrap}
    table.facts td{padding:2px 0}
    table.grid{width:100%;margin:6px 0}
    table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
    table.grid th{background:#f0f2f5;font-weight:600}
    #faults td:not(.evidence),#unavailable td{white-space:nowrap}
    #faults .cause{font-size:12px;color:var(--muted);white-space:normal}
    td.evidence{font-size:12px;color:var(--muted);max-width:520px;word-break:break-word}
    tr.not-in-effect td{background:#fff6e5}
    pre{background:#f3f4f7;border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;font-size:12.5px}
    pre.command{white-space:pre-wrap;word-break:break-all}
    code{font-size:12.5px}
    .tiles{display:flex;flex-wrap:wrap;gap:10px}
    .tile{min-width:110px;padding:8px 12px;border:1px solid var(--line);border-radius:8px;color:var(--muted);font-size:12px}
    .tile b{display:block;font-size:20px;color:var(--ink)}
    .tile.ok b{color:var(--ok)}.tile.fail b{color:var(--fail)}.tile.info b{color:var(--info)}
    .controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:6px}
    button{font:inherit;padding:3px 10px;border:1px solid #c9ced6;background:#fff;border-radius:5px;cursor:pointer}
    button:hover{background:#eef1f5}
    .legend{display:inline-flex;flex-wrap:wrap;gap:10px;align-items:center;font-size:12px;color:var(--muted);margin-left:8px}
    .legend i{display:inline-block;width:12px;height:10px;border-radius:2px;margin-right:3px;vertical-align:middle}
    .legend i.ok{background:var(--ok)}.legend i.fail{background:var(--fail)}.legend i.info{background:var(--info)}
    .legend i.cx{background:var(--cx);outline:1px solid #000}.legend i.fault{background:var(--fault);outline:1px solid rgba(215,38,61,.4)}
    .canvas-wrap{position:relative}
    canvas{display:block;width:100%;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:grab}
    #tooltip{position:absolute;pointer-events:none;background:rgba(29,36,48,.92);color:#fff;font-size:12px;padding:4px 8px;border-radius:4px;white-space:nowrap}
    .explanation p{margin:4px 0}
    .svg-scroll{overflow-x:auto;border:1px solid var(--line);border-radius:4px;margin:8px 0}
    svg .lane-label{font-size:11px;fill:var(--muted)}svg .lane-line{stroke:var(--line)}
    svg .op rect{stroke:#0003}svg .op.ok rect{fill:var(--ok)}svg .op.fail rect{fill:var(--fail)}svg .op.info rect{fill:var(--info)}
    svg .op.context rect{opacity:.45}
    svg .op.blocking rect{fill:var(--cx);stroke:#000;stroke-width:2}
    svg .step-no{font-size:10px;fill:#fff;font-weight:700}
    .blocking-box{border-left:4px solid var(--cx);background:#fff4f5;padding:6px 12px;margin:10px 0}
    .steps-scroll{max-height:520px;overflow:auto}
    table.steps tr.optional td{color:var(--muted);font-style:italic}
    #script-errors{background:#ffe1e1;color:#900;padding:8px 24px;white-space:pre-wrap}
    footer{color:var(--muted);font-size:12px;margin:8px 24px 24px}
    @media (max-width:800px){.cols{grid-template-columns:1fr}}
    @media print{
      body{background:#fff;font-size:11px}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
      .controls button,#tooltip,.hint{display:none}
      section{margin:8px 0;border:none;padding:4px 0;break-inside:auto}
      h2{break-after:avoid}tr,pre.command,.blocking-box{break-inside:avoid}
      canvas{cursor:default;max-width:100%;break-inside:avoid}
      .steps-scroll,.svg-scroll{max-height:none;overflow:visible}
      header.banner{padding:10px 14px}
      a{color:inherit}a[href]::after{content:" (" attr(href) ")";font-size:9px;color:var(--muted)}
    }
    """
}
