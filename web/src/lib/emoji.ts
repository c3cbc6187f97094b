// A compact set of the emoji people reach for, by Slack short name, plus the workspace's
// custom emoji from `emoji.list` (image URLs, or "alias:other").
import { TONABLE } from "./emojiPrefs";

const DATA = `grinning 😀|smiley 😃|smile 😄|grin 😁|laughing 😆|sweat_smile 😅|joy 😂|rofl 🤣|slightly_smiling_face 🙂|upside_down_face 🙃|wink 😉|blush 😊|innocent 😇|heart_eyes 😍|star-struck 🤩|kissing_heart 😘|yum 😋|stuck_out_tongue 😛|stuck_out_tongue_winking_eye 😜|zany_face 🤪|money_mouth_face 🤑|hugging_face 🤗|thinking_face 🤔|shushing_face 🤫|zipper_mouth_face 🤐|raised_eyebrow 🤨|neutral_face 😐|expressionless 😑|no_mouth 😶|smirk 😏|unamused 😒|face_with_rolling_eyes 🙄|grimacing 😬|relieved 😌|pensive 😔|sleepy 😪|sleeping 😴|mask 😷|nerd_face 🤓|sunglasses 😎|partying_face 🥳|confused 😕|worried 😟|slightly_frowning_face 🙁|open_mouth 😮|hushed 😯|astonished 😲|flushed 😳|pleading_face 🥺|cry 😢|sob 😭|scream 😱|confounded 😖|disappointed 😞|sweat 😓|weary 😩|tired_face 😫|yawning_face 🥱|triumph 😤|rage 😡|angry 😠|exploding_head 🤯|skull 💀|poop 💩|clown_face 🤡|ghost 👻|alien 👽|robot_face 🤖|see_no_evil 🙈|hear_no_evil 🙉|speak_no_evil 🙊|wave 👋|raised_hand ✋|ok_hand 👌|v ✌️|crossed_fingers 🤞|point_up ☝️|point_right 👉|point_left 👈|point_down 👇|+1 👍|-1 👎|fist 👊|clap 👏|raised_hands 🙌|open_hands 👐|handshake 🤝|pray 🙏|muscle 💪|eyes 👀|brain 🧠|heart ❤️|orange_heart 🧡|yellow_heart 💛|green_heart 💚|blue_heart 💙|purple_heart 💜|black_heart 🖤|broken_heart 💔|sparkling_heart 💖|two_hearts 💕|100 💯|boom 💥|sparkles ✨|star ⭐|star2 🌟|zap ⚡|fire 🔥|rainbow 🌈|sunny ☀️|cloud ☁️|umbrella ☔|snowflake ❄️|coffee ☕|tea 🍵|beer 🍺|beers 🍻|wine_glass 🍷|pizza 🍕|hamburger 🍔|taco 🌮|cake 🍰|birthday 🎂|cookie 🍪|doughnut 🍩|apple 🍎|avocado 🥑|tada 🎉|confetti_ball 🎊|balloon 🎈|gift 🎁|trophy 🏆|medal 🏅|soccer ⚽|basketball 🏀|dart 🎯|video_game 🎮|musical_note 🎵|headphones 🎧|rocket 🚀|airplane ✈️|car 🚗|bike 🚲|house 🏠|office 🏢|computer 💻|keyboard ⌨️|iphone 📱|telephone_receiver 📞|email 📧|memo 📝|pencil2 ✏️|book 📖|books 📚|bookmark 🔖|paperclip 📎|pushpin 📌|calendar 📅|chart_with_upwards_trend 📈|chart_with_downwards_trend 📉|bar_chart 📊|clipboard 📋|lock 🔒|unlock 🔓|key 🔑|hammer 🔨|wrench 🔧|gear ⚙️|bulb 💡|mag 🔍|bell 🔔|no_bell 🔕|hourglass ⏳|alarm_clock ⏰|stopwatch ⏱️|money_with_wings 💸|moneybag 💰|dollar 💵|white_check_mark ✅|heavy_check_mark ✔️|ballot_box_with_check ☑️|x ❌|negative_squared_cross_mark ❎|heavy_plus_sign ➕|heavy_minus_sign ➖|question ❓|exclamation ❗|warning ⚠️|no_entry 🚫|red_circle 🔴|large_green_circle 🟢|large_blue_circle 🔵|white_circle ⚪|black_circle ⚫|arrow_up ⬆️|arrow_down ⬇️|arrow_right ➡️|arrow_left ⬅️|repeat 🔁|recycle ♻️|ok 🆗|new 🆕|cool 🆒|sos 🆘|speech_balloon 💬|thought_balloon 💭|zzz 💤|wave_dash 〰️|dog 🐶|cat 🐱|mouse 🐭|fox_face 🦊|bear 🐻|panda_face 🐼|koala 🐨|tiger 🐯|lion_face 🦁|cow 🐮|pig 🐷|frog 🐸|monkey_face 🐵|chicken 🐔|penguin 🐧|bird 🐦|owl 🦉|unicorn_face 🦄|bee 🐝|bug 🐛|butterfly 🦋|snail 🐌|turtle 🐢|snake 🐍|octopus 🐙|whale 🐳|dolphin 🐬|fish 🐟|tropical_fish 🐠|crab 🦀|seedling 🌱|evergreen_tree 🌲|palm_tree 🌴|cactus 🌵|herb 🌿|four_leaf_clover 🍀|maple_leaf 🍁|sunflower 🌻|rose 🌹|tulip 🌷|earth_americas 🌎|globe_with_meridians 🌐|crescent_moon 🌙|checkered_flag 🏁|triangular_flag_on_post 🚩|white_flag 🏳️|pirate_flag 🏴‍☠️`;

const ALIASES: Record<string, string> = {
  thumbsup: "+1",
  thumbsdown: "-1",
  simple_smile: "slightly_smiling_face",
  thinking: "thinking_face",
  hugs: "hugging_face",
  facepunch: "fist",
  punch: "fist",
  heavy_heart_exclamation_mark_ornament: "heart",
  satisfied: "laughing",
  grinning_face_with_star_eyes: "star-struck",
  poop_: "poop",
  hankey: "poop",
  shit: "poop",
  rolling_on_the_floor_laughing: "rofl",
  slack_call: "telephone_receiver",
  phone: "telephone_receiver",
  robot: "robot_face",
  party: "tada",
  check: "heavy_check_mark",
};

// Starts as the compact set; `addStandardEmoji` (lib/emojiFull.ts) adds the full Unicode set
// once the picker has loaded it, so that `:name:` of any of them resolves from then on.
const STANDARD = new Map(
  DATA.split("|").map((entry) => {
    const space = entry.indexOf(" ");
    return [entry.slice(0, space), entry.slice(space + 1)] as [string, string];
  }),
);
export const EMOJI: ReadonlyMap<string, string> = STANDARD;
/** Names of standard emoji that take a skin tone: the hands of the built-in set at once, the
 * rest once the full set is loaded (a toned code in a message renders either way). */
const TONED = new Set<string>(TONABLE);
/** Keywords by name (from the full set) for search. */
const KEYWORDS = new Map<string, string>();

export function addStandardEmoji(entries: Iterable<{ name: string; char: string; keywords: string; toned: boolean }>): void {
  for (const e of entries) {
    if (!STANDARD.has(e.name)) STANDARD.set(e.name, e.char);
    if (e.toned) TONED.add(e.name);
    if (e.keywords) KEYWORDS.set(e.name, e.keywords);
  }
}

export function takesSkinTone(name: string): boolean {
  return TONED.has(ALIASES[name] ?? name);
}

/** `char` with a Fitzpatrick modifier for Slack's tone 2–6 (the emoji's variation selector goes). */
export function withSkinTone(char: string, tone: number): string {
  if (tone < 2 || tone > 6) return char;
  const modifier = String.fromCodePoint(0x1f3fb + tone - 2);
  const chars = [...char.replace(/\uFE0F/g, "")];
  return chars[0] + modifier + chars.slice(1).join("");
}

/** Custom emoji of the workspace: name → image URL, or `std:<name>` for an alias of a standard one. */
export type CustomEmoji = Record<string, string>;

export function resolveCustom(list: Record<string, string>): CustomEmoji {
  const out: CustomEmoji = {};
  for (const [name, value] of Object.entries(list)) {
    let v = value;
    for (let hops = 0; v.startsWith("alias:") && hops < 5; hops++) {
      const target = v.slice(6);
      v = list[target] ?? (EMOJI.has(ALIASES[target] ?? target) ? `std:${ALIASES[target] ?? target}` : "");
    }
    if (v && !v.startsWith("alias:")) out[name] = v;
  }
  return out;
}

export type EmojiGlyph = { kind: "unicode"; char: string } | { kind: "image"; url: string } | { kind: "unknown"; name: string };

export function emojiGlyph(name: string, custom: CustomEmoji = {}): EmojiGlyph {
  const [plain, toneText] = name.replace(/^:|:$/g, "").split("::");
  const canonical = ALIASES[plain] ?? plain;
  const char = EMOJI.get(canonical);
  const tone = /^skin-tone-([2-6])$/.exec(toneText ?? "");
  if (char) return { kind: "unicode", char: tone && TONED.has(canonical) ? withSkinTone(char, Number(tone[1])) : char };
  const value = custom[plain];
  if (!value) return { kind: "unknown", name: plain };
  if (value.startsWith("std:")) {
    const std = EMOJI.get(value.slice(4));
    return std ? { kind: "unicode", char: std } : { kind: "unknown", name: plain };
  }
  return { kind: "image", url: value };
}

/** Emoji names starting with (then containing) `query`, aliases included, then those with a
 * keyword starting with it (once the full set is loaded), best first. */
export function searchEmoji(query: string, custom: CustomEmoji = {}, limit = 8): string[] {
  const q = query.toLowerCase();
  const names = [...Object.keys(custom), ...EMOJI.keys()];
  const viaAlias = Object.entries(ALIASES)
    .filter(([alias]) => alias.includes(q))
    .map(([, target]) => target);
  const starts = names.filter((n) => n.startsWith(q));
  const contains = names.filter((n) => !n.startsWith(q) && n.includes(q));
  const byKeyword = q ? [...KEYWORDS].filter(([, words]) => (" " + words).includes(" " + q)).map(([name]) => name) : [];
  return [...new Set([...starts, ...viaAlias, ...contains, ...byKeyword])].slice(0, limit);
}

/** Replaces `:name:` codes in plain text with characters (for status lines and previews). */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+\-']+(?:::skin-tone-[2-6])?):/g, (whole, name: string) => {
    const g = emojiGlyph(name);
    return g.kind === "unicode" ? g.char : whole;
  });
}
