/**
 * The static status page at `/status`: it fetches `/v1/status` and renders each component, and
 * refreshes every 15 s. No framework: it must work when the console does not.
 */
export function renderStatusPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Edgelive status</title>
<style>
body{font:15px system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 16px;color:#111}
h1{font-size:22px}#overall{padding:12px 16px;border-radius:8px;font-weight:600;margin-bottom:16px}
table{width:100%;border-collapse:collapse}td{padding:8px;border-bottom:1px solid #eee}
.operational{background:#dcfce7;color:#166534}.degraded{background:#fef9c3;color:#854d0e}.down{background:#fee2e2;color:#991b1b}
.pill{padding:2px 8px;border-radius:999px;font-size:13px}.muted{color:#666;font-size:13px}
</style></head><body>
<h1>Edgelive status</h1>
<div id="overall">Checking…</div>
<table><tbody id="components"></tbody></table>
<p class="muted" id="checked"></p>
<script>
const label = { operational: 'All systems operational', degraded: 'Some systems degraded', down: 'Some systems down' };
function cell(text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
async function load() {
  try {
    const s = await (await fetch('/v1/status', { cache: 'no-store' })).json();
    const o = document.getElementById('overall');
    o.className = s.status; o.textContent = label[s.status] || s.status;
    const rows = s.components.map((c) => {
      const tr = document.createElement('tr');
      const pill = document.createElement('span'); pill.className = 'pill ' + c.status; pill.textContent = c.status;
      const st = document.createElement('td'); st.appendChild(pill);
      tr.append(cell(c.name), st, cell(c.detail, 'muted'));
      return tr;
    });
    document.getElementById('components').replaceChildren(...rows);
    document.getElementById('checked').textContent = 'Checked ' + new Date(s.checked_at).toLocaleString();
  } catch (e) {
    const o = document.getElementById('overall'); o.className = 'down'; o.textContent = 'The API did not answer.';
  }
}
load(); setInterval(load, 15000);
</script>
</body></html>`;
}
