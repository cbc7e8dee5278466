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
  /** When the row was lit up for a change; 0 when it is not lit. */
  litAt: number;
  /** The row is in the tree's scrolled view; rows out of it are written when they come in. */
  inView: boolean;
  /** It changed while out of view. */
  stale: boolean;
}

/** How long a changed row stays lit. A plain class, not an animation: a thousand busy rows would animate every frame. */
const LIT_MS = 600;

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
  private readonly lit = new Set<Row>();
  private readonly rowsByElement = new WeakMap<Element, Row>();
  /** Tells which rows are in view: only those are written as messages come. */
  private readonly watch: IntersectionObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly store: TopicStore,
    private readonly onSelect: (node: TopicNode) => void,
  ) {
    this.watch = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const row = this.rowsByElement.get(entry.target);
          if (row === undefined) continue;
          row.inView = entry.isIntersecting;
          if (row.inView && row.stale) this.update(row, Date.now(), false);
        }
      },
      { root: container },
    );
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

  /** Drops every row: the store forgot its topics. */
  forget(): void {
    this.watch.disconnect();
    this.rows.clear();
    this.lit.clear();
    this.selected = undefined;
    this.relist = true;
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.relist = true;
  }

  /** Every row's rate again (rates fall while a topic is quiet). */
  refreshRates(now: number): void {
    for (const row of this.shown) if (row.inView) row.rate.textContent = rateText(row.node.rate(now));
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
    for (const row of this.lit) {
      if (now - row.litAt < LIT_MS) continue;
      row.element.classList.remove('changed');
      row.litAt = 0;
      this.lit.delete(row);
    }
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
      row = { node, element, toggle, count, rate, marks, payload, litAt: 0, inView: false, stale: true };
      this.rowsByElement.set(element, row);
      this.watch.observe(element);
      this.rows.set(node, row);
      if (node === this.selected) element.classList.add('selected');
    }
    row.element.style.paddingLeft = `${depth * 1.1 + 0.3}em`;
    return row;
  }

  private update(row: Row, now: number, flash: boolean): void {
    if (!row.inView) {
      row.stale = true;
      return;
    }
    row.stale = false;
    const node = row.node;
    const open = node.expanded || this.filter !== '';
    row.toggle.textContent = node.children.size === 0 ? '' : open ? '▾' : '▸';
    row.count.textContent = node.children.size === 0 ? String(node.count) : `${node.count > 0 ? `${node.count} · ` : ''}${node.total}`;
    row.rate.textContent = rateText(node.rate(now));
    const last = node.last;
    row.marks.textContent = last === undefined ? '' : `${last.retain ? 'R ' : ''}Q${last.qos}`;
    row.payload.textContent = last === undefined ? '' : preview(last.payload);
    if (flash && last !== undefined) {
      if (row.litAt === 0) {
        row.element.classList.add('changed');
        this.lit.add(row);
      }
      row.litAt = now;
    }
  }
}

function rateText(rate: number): string {
  return rate === 0 ? '' : `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}
