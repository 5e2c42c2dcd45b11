/**
 * A small hand-written command-line parser (no dependency), enough for mosquitto_pub/mosquitto_sub's flags:
 * short (`-t topic`) and long flags (`--topic topic`, `--topic=topic`), switches, repeatable flags, and
 * `-D command identifier value [value]` (two values for `user-property`). Flags are not bundled (`-vN` is an
 * error, as in mosquitto's tools). Every mistake is a `UsageError` naming the flag.
 */

/** A command-line mistake: the message is printed with a pointer to `--help`, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How a flag takes its value. */
export type FlagKind =
  /** No value: true when present. */
  | 'switch'
  /** One value; given twice, the last wins. */
  | 'value'
  /** One value each time; all are kept in order. */
  | 'repeat'
  /** `-D command identifier value`, or four words for `user-property`; all are kept. */
  | 'property';

/** One flag. */
export interface FlagSpec {
  /** The result key, e.g. `topic`. */
  key: string;
  /** `-t` */
  short?: string;
  /** `--topic` */
  long?: string;
  kind: FlagKind;
  /** The value's name in the help, e.g. `TOPIC`. */
  arg?: string;
  /** One help line. */
  help: string;
}

/** The parsed flags: switch → true, value → string, repeat → string[], property → string[][]. */
export type ParsedFlags = Record<string, boolean | string | string[] | string[][]>;

function takeValue(argv: readonly string[], index: number, flag: string, inline: string | undefined): string {
  if (inline !== undefined) return inline;
  const value = argv[index + 1];
  if (value === undefined) throw new UsageError(`${flag} needs a value`);
  return value;
}

/**
 * Parses `argv` (without the node and script paths, and without the command name).
 * @throws UsageError on an unknown flag, a missing value or a stray argument.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    if (spec.short !== undefined) byName.set(spec.short, spec);
    if (spec.long !== undefined) byName.set(spec.long, spec);
  }
  const result: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    let name = word;
    let inline: string | undefined;
    if (word.startsWith('--') && word.includes('=')) {
      name = word.slice(0, word.indexOf('='));
      inline = word.slice(word.indexOf('=') + 1);
    }
    const spec = byName.get(name);
    if (spec === undefined) {
      if (!word.startsWith('-') || word === '-') throw new UsageError(`unexpected argument '${word}'`);
      throw new UsageError(`unknown option '${name}'`);
    }
    switch (spec.kind) {
      case 'switch':
        if (inline !== undefined) throw new UsageError(`${name} takes no value`);
        result[spec.key] = true;
        break;
      case 'value':
        result[spec.key] = takeValue(argv, i, name, inline);
        if (inline === undefined) i++;
        break;
      case 'repeat': {
        const list = (result[spec.key] as string[] | undefined) ?? [];
        list.push(takeValue(argv, i, name, inline));
        if (inline === undefined) i++;
        result[spec.key] = list;
        break;
      }
      case 'property': {
        if (inline !== undefined)
          throw new UsageError(`${name} takes separate words: ${name} command identifier value`);
        const words = argv.slice(i + 1, i + 4);
        if (words.length < 3) throw new UsageError(`${name} needs a command, an identifier and a value`);
        if (words[1] === 'user-property') {
          const second = argv[i + 4];
          if (second === undefined)
            throw new UsageError(`${name} ${words[0]} user-property needs a name and a value`);
          words.push(second);
        }
        i += words.length;
        const list = (result[spec.key] as string[][] | undefined) ?? [];
        list.push(words);
        result[spec.key] = list;
        break;
      }
      default:
        break;
    }
  }
  return result;
}

/** The help lines for `specs`: `  -t, --topic TOPIC   the topic...`. */
export function describeFlags(specs: readonly FlagSpec[]): string {
  const rows = specs.map((spec) => {
    const names = [spec.short, spec.long].filter((n) => n !== undefined).join(', ');
    const arg = spec.kind === 'property' ? ' CMD ID VALUE' : spec.arg === undefined ? '' : ` ${spec.arg}`;
    return [`  ${names}${arg}`, spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, help]) => left.padEnd(width) + help).join('\n');
}
