// Strings the emulator keeps (nonces, binding fields) must not keep whole requests alive.

/**
 * `s` as a string of its own. V8 makes a substring of 13 characters or more a view into its
 * parent, so a nonce or an OutId cut from a request URL keeps the whole URL (≈ 600 bytes) in the
 * heap for as long as the emulator remembers it: 50,000 nonces held ≈ 30 MB of URLs, which the
 * garbage collector copied and marked over and over. Concatenating, then slicing, makes V8 copy
 * the characters into a fresh string (the slice is then a view into that copy only).
 */
export const ownString = (s: string): string => (s.length < 13 ? s : `${s} `.slice(0, -1))
