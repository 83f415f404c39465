/** Colours the charts draw with, read from VS Code's theme variables. */
export interface Palette {
  blue: string;
  red: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  foreground: string;
  border: string;
  fontFamily: string;
  /** In order, for series that need many colours (models, projects). */
  series: string[];
}

// Used when a variable is missing (the page opened outside VS Code, or an old theme).
const fallback = {
  blue: '#3794ff',
  red: '#f14c4c',
  green: '#89d185',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
  foreground: '#cccccc',
  border: '#454545',
};

export function readPalette(element: HTMLElement = document.body): Palette {
  const style = getComputedStyle(element);
  const read = (name: string, otherwise: string) => style.getPropertyValue(name).trim() || otherwise;
  const blue = read('--vscode-charts-blue', fallback.blue);
  const red = read('--vscode-charts-red', fallback.red);
  const green = read('--vscode-charts-green', fallback.green);
  const yellow = read('--vscode-charts-yellow', fallback.yellow);
  const orange = read('--vscode-charts-orange', fallback.orange);
  const purple = read('--vscode-charts-purple', fallback.purple);
  return {
    blue,
    red,
    green,
    yellow,
    orange,
    purple,
    foreground: read('--vscode-foreground', fallback.foreground),
    border: read('--vscode-editorWidget-border', fallback.border),
    fontFamily: read('--vscode-font-family', 'sans-serif'),
    series: [blue, orange, green, purple, yellow, red],
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps the body's `vscode-*` classes). */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  return () => observer.disconnect();
}

let probe: CanvasRenderingContext2D | null | undefined;

/**
 * A colour at reduced opacity, for fills under lines and bar backgrounds. The canvas parses
 * the theme's value (hex, rgb(), a name) and hands it back as `#rrggbb` or `rgba(...)`.
 */
export function translucent(colour: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return colour;
  probe.fillStyle = '#000000';
  probe.fillStyle = colour;
  const normal = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(normal);
  if (rgba) return `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${alpha * Number(rgba[4] ?? 1)})`;
  return colour;
}
