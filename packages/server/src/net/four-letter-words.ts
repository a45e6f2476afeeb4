/** Text commands ZooKeeper answers before a handshake, then closes (its "four letter words"). */
export const FOUR_LETTER_WORDS = [
  'ruok',
  'srvr',
  'stat',
  'mntr',
  'cons',
  'dump',
  'envi',
  'conf',
  'wchs',
  'wchc',
  'wchp',
  'isro',
  'crst',
  'srst',
  'dirs',
  'gtmk',
  'stmk',
  'hash',
] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

const byCode = new Map<number, FourLetterWord>(
  FOUR_LETTER_WORDS.map((w) => [Buffer.from(w, 'latin1').readInt32BE(0), w]),
);

/** The word whose four ASCII bytes, read as a frame length, are `length`; or `undefined`. */
export function fourLetterWordOf(length: number): FourLetterWord | undefined {
  return byCode.get(length);
}
