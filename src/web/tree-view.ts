import { el } from './dom.js';
import { preview } from './payload.js';
import type { TopicNode, TopicStore } from './topic-store.js';

interface Row {
  node: TopicNode;
  element: HTMLElement;
  toggle: HTMLElement;
  count: HTMLElement;
  rate: HTMLElement;
  marks: HTMLElement;
  payload: HTMLElement;
  /** Which of the two flash animations ran last: switching restarts it without a reflow. */
  flashB: boolean;
}

const byName = (a: TopicNode, b: TopicNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The live topic tree. Rows exist only for the nodes shown (expanded parents, or matching the
 * filter); a frame lists them again only when the tree's shape changed, and otherwise writes
 * only the rows whose topics had messages, so thousands of busy topics cost what changed.
 */
export class TreeView {
  private readonly rows = new Map<TopicNode, Row>();
  private shown: Row[] = [];
  private filter = '';
  private relist = true;
  private selected: TopicNode | undefined;
  private lastRender = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly store: TopicStore,
    private readonly onSelect: (node: TopicNode) => void,
  ) {
    container.addEventListener('click', (event) => {
      const target = event.target as HTMLElement;
      const rowElement = target.closest<HTMLElement>('.row');
      const node = rowElement === null ? undefined : this.store.find(rowElement.dataset['topic']!);
      if (node === undefined) return;
      if (target.classList.contains('toggle')) {
        node.expanded = !node.expanded;
        this.relist = true;
      } else {
        this.select(node);
      }
    });
  }

  select(node: TopicNode): void {
    if (this.selected !== undefined) this.rows.get(this.selected)?.element.classList.remove('selected');
    this.selected = node;
    this.rows.get(node)?.element.classList.add('selected');
    this.onSelect(node);
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.relist = true;
  }

  /** Every row's rate again (rates fall while a topic is quiet). */
  refreshRates(now: number): void {
    for (const row of this.shown) row.rate.textContent = rateText(row.node.rate(now));
  }

  /** Brings the rows up to date with the store. */
  render(now: number): void {
    if (this.relist || this.store.structureChanged) {
      this.store.structureChanged = false;
      this.relist = false;
      this.shown = [];
      this.list(this.store.root, 0);
      this.container.replaceChildren(...this.shown.map((row) => row.element));
      for (const row of this.shown) this.update(row, now, false);
    }
    for (const node of this.store.dirty) {
      const row = this.rows.get(node);
      if (row?.element.isConnected === true) this.update(row, now, node.changedAt > this.lastRender);
    }
    this.store.dirty.clear();
    this.lastRender = now;
  }

  private matches(node: TopicNode): boolean {
    if (this.filter === '' || node.path.toLowerCase().includes(this.filter)) return true;
    for (const child of node.children.values()) if (this.matches(child)) return true;
    return false;
  }

  private list(parent: TopicNode, depth: number): void {
    for (const node of [...parent.children.values()].sort(byName)) {
      if (!this.matches(node)) continue;
      const row = this.rowOf(node, depth);
      this.shown.push(row);
      if (node.expanded || this.filter !== '') this.list(node, depth + 1);
    }
  }

  private rowOf(node: TopicNode, depth: number): Row {
    let row = this.rows.get(node);
    if (row === undefined) {
      const toggle = el('span', { class: 'toggle' });
      const count = el('span', { class: 'count', title: 'messages' });
      const rate = el('span', { class: 'rate', title: 'messages per second' });
      const marks = el('span', { class: 'marks' });
      const payload = el('span', { class: 'payload' });
      const element = el('div', { class: 'row', 'data-topic': node.path }, toggle, el('span', { class: 'name' }, node.name === '' ? '(empty)' : node.name), count, rate, marks, payload);
      row = { node, element, toggle, count, rate, marks, payload, flashB: false };
      this.rows.set(node, row);
      if (node === this.selected) element.classList.add('selected');
    }
    row.element.style.paddingLeft = `${depth * 1.1 + 0.3}em`;
    return row;
  }

  private update(row: Row, now: number, flash: boolean): void {
    const node = row.node;
    const open = node.expanded || this.filter !== '';
    row.toggle.textContent = node.children.size === 0 ? '' : open ? '▾' : '▸';
    row.count.textContent = node.children.size === 0 ? String(node.count) : `${node.count > 0 ? `${node.count} · ` : ''}${node.total}`;
    row.rate.textContent = rateText(node.rate(now));
    const last = node.last;
    row.marks.textContent = last === undefined ? '' : `${last.retain ? 'R ' : ''}Q${last.qos}`;
    row.payload.textContent = last === undefined ? '' : preview(last.payload);
    if (flash && last !== undefined) {
      row.element.classList.remove(row.flashB ? 'flash-b' : 'flash-a');
      row.flashB = !row.flashB;
      row.element.classList.add(row.flashB ? 'flash-b' : 'flash-a');
    }
  }
}

function rateText(rate: number): string {
  return rate === 0 ? '' : `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}
