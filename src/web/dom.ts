/** A small helper for hand-written DOM: an element with its class, attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

/** The element of this id, checked to be of this kind (an input, a canvas...). */
export function byIdAs<T extends HTMLElement>(id: string, kind: new () => T): T {
  const found = byId(id);
  if (!(found instanceof kind)) throw new Error(`#${id} is not a ${kind.name}`);
  return found;
}

/** The value of a form field: an input, a text area or a select. */
export function valueOf(id: string): string {
  const found = byId(id);
  if (found instanceof HTMLInputElement || found instanceof HTMLTextAreaElement || found instanceof HTMLSelectElement) return found.value;
  throw new Error(`#${id} is not a form field`);
}
