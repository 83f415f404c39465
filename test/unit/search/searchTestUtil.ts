/** Lowercase without diacritics, for comparing highlighted text with the word searched. */
export function foldForCompare(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
