// Export the view: a PNG of the drawing with its legend beside it, and a CSV of what is shown.
import { kindLabel, relationLabel, t, themeLabel } from "./i18n.js";
import { kindStyle, shapePoints } from "./kinds.js";
import { legendEntries } from "./legend.js";

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stamp = () => new Date().toISOString().slice(0, 10);

export async function exportPng(graph) {
  const scale = 2;
  const picture = await createImageBitmap(await graph.png(scale));
  const { nodes, lines } = legendEntries(graph.kindsShown(), graph.lineClassesShown());
  const row = 22 * scale;
  const legendWidth = 260 * scale;
  const legendHeight = (nodes.length + lines.length + 2) * row;
  const canvas = document.createElement("canvas");
  canvas.width = picture.width + legendWidth;
  canvas.height = Math.max(picture.height, legendHeight);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(picture, 0, 0);
  const x0 = picture.width + 12 * scale;
  let y = row;
  ctx.fillStyle = "#1b1b1b";
  ctx.font = `bold ${14 * scale}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  ctx.fillText(t("legend"), x0, y);
  ctx.font = `${12 * scale}px system-ui, sans-serif`;
  for (const n of nodes) {
    y += row;
    const { color, shape } = kindStyle(n.kind);
    const points = shapePoints(shape, x0 + 8 * scale, y, 14 * scale);
    ctx.fillStyle = color;
    ctx.beginPath();
    if (points) points.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
    else ctx.arc(x0 + 8 * scale, y, 7 * scale, 0, 2 * Math.PI);
    ctx.closePath();
    ctx.fill();
    ctx.fillStyle = "#1b1b1b";
    ctx.fillText(n.label, x0 + 24 * scale, y);
  }
  const strokes = { edge: ["#8a8a8a", 1.5, []], path: ["#1b1b1b", 4, []], suggested: ["#e17000", 3, [6, 4]] };
  for (const l of lines) {
    y += row;
    if (l.line === "group") {
      ctx.strokeStyle = "#1b1b1b";
      ctx.lineWidth = 1.5 * scale;
      for (const r of [6, 3.5]) {
        ctx.beginPath();
        ctx.arc(x0 + 9 * scale, y, r * scale, 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.fillStyle = "#1b1b1b";
      ctx.fillText(l.label, x0 + 24 * scale, y);
      continue;
    }
    const [color, width, dash] = strokes[l.line];
    ctx.strokeStyle = color;
    ctx.lineWidth = width * scale;
    ctx.setLineDash(dash.map((d) => d * scale));
    ctx.beginPath();
    ctx.moveTo(x0, y);
    ctx.lineTo(x0 + 18 * scale, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#1b1b1b";
    ctx.fillText(l.label, x0 + 24 * scale, y);
  }
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  download(blob, `netwerk-${stamp()}.png`);
  return blob;
}

function csvCell(value) {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function viewCsv(model, shown) {
  const name = (id) => model.nodes.get(id)?.name ?? id;
  const area = (code) => model.areaNames.get(code) ?? code;
  const rows = [["type", "id", "name", "kind", "label", "themes", "wijk", "steps", "from", "to"]];
  for (const n of shown.nodes) {
    rows.push(["stakeholder", n.id, n.name, n.kind, kindLabel(n.kind), n.themes.map(themeLabel).join("; "), n.wijken.map(area).join("; "), n.hops ?? "", "", ""]);
  }
  for (const e of shown.edges) rows.push(["relation", "", "", e.kind, relationLabel(e.kind), "", "", "", name(e.source), name(e.target)]);
  const kinds = new Set(shown.nodes.map((n) => n.kind));
  for (const kind of kinds) {
    const { color, shape } = kindStyle(kind);
    rows.push(["legend", "", `${color} ${shape}`, kind, kindLabel(kind), "", "", "", "", ""]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function exportCsv(model, shown) {
  const text = viewCsv(model, shown);
  download(new Blob(["\ufeff", text], { type: "text/csv;charset=utf-8" }), `netwerk-${stamp()}.csv`);
  return text;
}
