/**
 * The statement cache's index: a radix tree over cache-key token sequences.
 *
 * A lookup follows the tree token by token while the statement is walked (`CacheKeyBuilder`
 * in probing mode), so a hit costs one comparison per token: no token list is built, nothing
 * is hashed, and no second pass compares the key with the entry's. Runs of tokens with no
 * branch share one node (`label`), so the tree holds about as many array items as the keys it
 * stores. Tokens compare with `===` (objects by identity, strings by content); a node's
 * children are found by their first token.
 */

/** One node: the tokens on the edge into it, its children, and the value stored at it. */
export class TrieNode<V> {
  /** The first child, checked before `more` (most nodes have at most one). */
  first: TrieNode<V> | null = null;
  /** The other children, by their first token. */
  more: Map<unknown, TrieNode<V>> | null = null;
  value: V | null = null;
  constructor(
    /** The tokens on the edge from the parent (empty only at the root). */
    public label: unknown[],
    public parent: TrieNode<V> | null,
  ) {}
}

/** The child of `node` whose label starts with `token`, or undefined. @internal */
export function childOf<V>(node: TrieNode<V>, token: unknown): TrieNode<V> | undefined {
  const f = node.first;
  if (f === null) return undefined;
  if (f.label[0] === token) return f;
  return node.more === null ? undefined : node.more.get(token);
}

function addChild<V>(parent: TrieNode<V>, child: TrieNode<V>): void {
  child.parent = parent;
  if (parent.first === null) parent.first = child;
  else (parent.more ??= new Map()).set(child.label[0], child);
}

function replaceChild<V>(parent: TrieNode<V>, old: TrieNode<V>, by: TrieNode<V>): void {
  by.parent = parent;
  if (parent.first === old) parent.first = by;
  else parent.more!.set(old.label[0], by);
}

function removeChild<V>(parent: TrieNode<V>, child: TrieNode<V>): void {
  if (parent.first !== child) {
    parent.more!.delete(child.label[0]);
  } else if (parent.more === null) {
    parent.first = null;
  } else {
    const [token, next] = parent.more.entries().next().value as [unknown, TrieNode<V>];
    parent.more.delete(token);
    if (parent.more.size === 0) parent.more = null;
    parent.first = next;
  }
  if (parent.more !== null && parent.more.size === 0) parent.more = null;
}

/**
 * A radix tree from token sequences to values; `onMove` is told when a value's node changes
 * (nodes merge when a removal leaves a chain without a branch).
 */
export class KeyTrie<V> {
  root = new TrieNode<V>([], null);

  constructor(private readonly onMove: (value: V, node: TrieNode<V>) => void) {}

  /** The node for `tokens`, created (splitting an edge where they diverge) if missing. */
  insert(tokens: readonly unknown[]): TrieNode<V> {
    let node = this.root;
    let i = 0;
    const n = tokens.length;
    for (;;) {
      if (i === n) return node;
      const child = childOf(node, tokens[i]);
      if (child === undefined) {
        const leaf = new TrieNode<V>(tokens.slice(i), node);
        addChild(node, leaf);
        return leaf;
      }
      // The first token matched (by `childOf`'s rule); compare the rest of the label.
      const label = child.label;
      let j = 1;
      i++;
      while (j < label.length && i < n && label[j] === tokens[i]) {
        j++;
        i++;
      }
      if (j === label.length) {
        node = child;
        continue;
      }
      const mid = new TrieNode<V>(label.slice(0, j), node);
      replaceChild(node, child, mid);
      child.label = label.slice(j);
      addChild(mid, child);
      if (i === n) return mid;
      const leaf = new TrieNode<V>(tokens.slice(i), mid);
      addChild(mid, leaf);
      return leaf;
    }
  }

  /** Drops the value at `node` and the nodes left without a value or children. */
  remove(node: TrieNode<V>): void {
    node.value = null;
    while (node.parent !== null && node.value === null && node.first === null) {
      const parent = node.parent;
      removeChild(parent, node);
      node = parent;
    }
    // A node left with one child and no value is merged with it, keeping the tree compressed.
    const only = node.first;
    if (node.parent !== null && node.value === null && only !== null && node.more === null) {
      node.label = node.label.concat(only.label);
      node.first = only.first;
      node.more = only.more;
      node.value = only.value;
      if (node.first !== null) node.first.parent = node;
      if (node.more !== null) for (const c of node.more.values()) c.parent = node;
      if (node.value !== null) this.onMove(node.value, node);
    }
  }

  clear(): void {
    this.root = new TrieNode<V>([], null);
  }
}
