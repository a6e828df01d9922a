// How each kind of stakeholder looks: a colour (at least 3:1 against white) and a shape, so that
// colour is never the only difference.
export const KIND_STYLE = {
  RESIDENT: { color: "#1f5fa8", shape: "ellipse" },
  ORGANISATION: { color: "#9a4d00", shape: "round-rectangle" },
  WIJKPARTNER: { color: "#00745a", shape: "diamond" },
  INITIATIVE: { color: "#8e3a8a", shape: "hexagon" },
  MUNICIPALITY_ROLE: { color: "#b3261e", shape: "triangle" },
  MEETING: { color: "#5f6368", shape: "tag" },
  DRAFT: { color: "#1b1b1b", shape: "star" },
};

export const KIND_ORDER = Object.keys(KIND_STYLE);

export function kindStyle(kind) {
  return KIND_STYLE[kind] ?? { color: "#5f6368", shape: "ellipse" };
}

// The outline of a shape in a box of size s centred on (x, y): for the legend (SVG) and the PNG (canvas).
export function shapePoints(shape, x, y, s) {
  const r = s / 2;
  const polygon = (n, rotate) =>
    Array.from({ length: n }, (_, i) => {
      const a = rotate + (i * 2 * Math.PI) / n;
      return [x + r * Math.cos(a), y + r * Math.sin(a)];
    });
  switch (shape) {
    case "diamond":
      return [[x, y - r], [x + r, y], [x, y + r], [x - r, y]];
    case "hexagon":
      return polygon(6, 0);
    case "triangle":
      return [[x, y - r], [x + r, y + r * 0.8], [x - r, y + r * 0.8]];
    case "tag":
      return [[x - r, y - r * 0.7], [x + r * 0.4, y - r * 0.7], [x + r, y], [x + r * 0.4, y + r * 0.7], [x - r, y + r * 0.7]];
    case "star":
      return Array.from({ length: 10 }, (_, i) => {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 ? r * 0.45 : r;
        return [x + rr * Math.cos(a), y + rr * Math.sin(a)];
      });
    case "round-rectangle":
      return [[x - r, y - r * 0.75], [x + r, y - r * 0.75], [x + r, y + r * 0.75], [x - r, y + r * 0.75]];
    default:
      return null; // ellipse
  }
}

export function shapeSvg(kind, size = 16) {
  const { color, shape } = kindStyle(kind);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const points = shapePoints(shape, size / 2, size / 2, size - 2);
  const el = document.createElementNS(ns, points ? "polygon" : "circle");
  if (points) el.setAttribute("points", points.map((p) => p.join(",")).join(" "));
  else {
    el.setAttribute("cx", size / 2);
    el.setAttribute("cy", size / 2);
    el.setAttribute("r", size / 2 - 1);
  }
  el.setAttribute("fill", color);
  svg.append(el);
  return svg;
}
