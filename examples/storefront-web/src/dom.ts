/** An element with text and children: all this page needs instead of a UI framework. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** The element with this id; the page's HTML has them all, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id} in the page`);
  return element as T;
}

/** IDR has no minor units: `amount` 85000 is Rp 85.000. */
export const rupiah = (money: { amount: number }) => `Rp ${money.amount.toLocaleString('id-ID')}`;
