extension ReportPage {
    /// The page's stylesheet, inlined in its `<style>` (the page is one self-contained file).
    static let css = """
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2329;background:#fff}
        main{max-width:1200px;margin:0 auto;padding:16px 24px}
        h1{margin:0;font-size:32px;letter-spacing:.04em}
        h2{font-size:20px;margin:24px 0 8px;border-bottom:1px solid #cfd8dc}
        h3{font-size:16px;margin:16px 0 6px}
        .banner{padding:14px 20px;border-radius:6px;border-left:10px solid #78909c;background:#eceff1}
        .banner.pass{border-color:#2e7d32;background:#e8f5e9}
        .banner.fail{border-color:#c62828;background:#ffebee}
        .banner.other{border-color:#ef6c00;background:#fff3e0}
        .reason{margin:4px 0 8px;font-size:17px}
        dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 16px;margin:0}
        dt{font-weight:600}
        dd{margin:0}
        dd,td{overflow-wrap:anywhere;word-break:break-word}
        table{width:100%;border-collapse:collapse;table-layout:fixed}
        th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eceff1}
        th{background:#f5f7f8;font-weight:600}
        table.counts{width:auto;min-width:50%;table-layout:auto}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        table.findings th:nth-child(1){width:45%}
        table.findings th:nth-child(2){width:8%}
        table.inputs th:nth-child(1){width:8%}
        table.inputs th:nth-child(2){width:22%}
        table.walks{table-layout:auto}
        tr.shard td{color:#455a64;font-size:13px}tr.shard td:first-child{padding-left:24px}
        .mono,code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:13px;overflow-wrap:anywhere;word-break:break-all}
        .sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:600}
        .sev.ok{background:#2e7d32}.sev.info{background:#1565c0}.sev.warning{background:#ef6c00}.sev.error{background:#c62828}
        .count{color:#546e7a;font-weight:400}
        .note{color:#37474f;font-style:italic}
        svg.bar{display:block}
        footer{margin-top:24px;color:#78909c;font-size:12px}
        @media print{main{max-width:none;padding:0}.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr{break-inside:avoid}}
        """
}
