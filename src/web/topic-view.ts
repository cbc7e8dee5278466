import { drawChart } from './chart.js';
import { byId, byIdAs, el } from './dom.js';
import { formatPayload, numberOf, type PayloadFormat } from './payload.js';
import type { TopicNode } from './topic-store.js';

/** Messages listed at most: the view is rebuilt on each message, so it stays cheap. */
const LISTED = 30;

/** The selected topic: its recent messages (text, JSON or hex) and a chart of its numbers. */
export class TopicView {
  private node: TopicNode | undefined;
  private format: PayloadFormat = 'text';
  private shownCount = -1;

  constructor() {
    byIdAs('payload-format', HTMLSelectElement).addEventListener('change', (event) => {
      this.format = (event.target as HTMLSelectElement).value as PayloadFormat;
      this.shownCount = -1;
    });
  }

  show(node: TopicNode): void {
    this.node = node;
    this.shownCount = -1;
    byId('topic-title').textContent = node.path;
    byId('topic-view').hidden = false;
    byIdAs('publish-topic', HTMLInputElement).value = node.path;
  }

  /** Redraws when the topic had messages since the last frame. */
  render(): void {
    const node = this.node;
    if (node === undefined || node.count === this.shownCount) return;
    this.shownCount = node.count;
    const items = node.history.last(LISTED).reverse().map((m) => {
      const p = m.publish;
      const props = p.properties.map((prop) => `${prop.name}: ${prop.value}`).join(', ');
      return el(
        'li',
        { class: 'message' },
        el('span', { class: 'time' }, new Date(m.at).toLocaleTimeString()),
        el('span', { class: 'marks' }, `Q${p.qos}${p.retain ? ' R' : ''}`),
        ...(props === '' ? [] : [el('span', { class: 'props' }, props)]),
        el('pre', { class: 'body' }, formatPayload(p.payload, this.format)),
      );
    });
    byId('topic-messages').replaceChildren(...items);
    const points = node.history.last(Infinity).flatMap((m) => {
      const value = numberOf(m.publish.payload);
      return value === undefined ? [] : [{ at: m.at, value }];
    });
    const canvas = byIdAs('topic-chart', HTMLCanvasElement);
    canvas.hidden = points.length < 2;
    if (points.length >= 2) drawChart(canvas, points, 'value over time');
  }
}
