// Checks one log entry in the browser, trusting nothing the log hands out but the
// key pinned in the page (from the console's settings):
//  1. the checkpoint's Ed25519 signature (C2SP signed note) against the pinned key;
//  2. the entry's leaf up to the checkpoint's root (RFC 9162 §2.1.3.2);
//  3. the checkpoint against the last one this browser saw (localStorage): a smaller
//     tree is a rollback, a failed consistency proof (§2.1.4.2) or another root
//     at the same size is a fork. Both are alarms.
"use strict";

(function () {
  const STORE = "samverkan.checkpoint:";
  const encoder = new TextEncoder();

  class Failure extends Error {
    constructor(message, alarm) {
      super(message);
      this.alarm = Boolean(alarm);
    }
  }

  function fromBase64(text) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new Failure("Ett värde i beviset är inte giltig base64.");
    }
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function toBase64(bytes) {
    return btoa(String.fromCharCode(...bytes));
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  function equal(a, b) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  const leafHash = (leaf) => sha256(concat(Uint8Array.of(0), leaf));
  const nodeHash = (l, r) => sha256(concat(Uint8Array.of(1), l, r));

  // "<name>+<8 hex key hash>+<base64(0x01 || 32-byte Ed25519 key)>"
  async function parseVerifierKey(text) {
    // The name holds no "+", the base64 key may: split at the first two only.
    const first = text.indexOf("+");
    const second = first < 0 ? -1 : text.indexOf("+", first + 1);
    const parts = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
    if (first < 1 || second < 0 || !/^[0-9a-f]{8}$/.test(parts[1])) {
      throw new Failure("Den fastställda loggnyckeln går inte att läsa.");
    }
    const typed = fromBase64(parts[2]);
    if (typed.length !== 33 || typed[0] !== 1) {
      throw new Failure("Den fastställda loggnyckeln är ingen Ed25519-nyckel.");
    }
    const id = (await sha256(concat(encoder.encode(parts[0] + "\n"), typed))).slice(0, 4);
    if (Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("") !== parts[1]) {
      throw new Failure("Den fastställda loggnyckelns kontrollsumma stämmer inte.");
    }
    return { name: parts[0], keyHash: id, publicKey: typed.slice(1) };
  }

  // C2SP signed note: text up to the last blank line, then "— <name> <base64>" lines.
  async function openCheckpoint(note, key) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new Failure("Loggens kontrollpunkt har fel format.");
    }
    const text = note.slice(0, split + 1);
    const lines = note.slice(split + 2, -1).split("\n");
    const signature = lines
      .filter((line) => line.startsWith("\u2014 " + key.name + " "))
      .map((line) => fromBase64(line.slice(key.name.length + 3)))
      .find((raw) => raw.length === 68 && equal(raw.slice(0, 4), key.keyHash));
    if (!signature) {
      throw new Failure("Kontrollpunkten är inte signerad med den fastställda loggnyckeln.");
    }
    let valid = false;
    try {
      const publicKey = await crypto.subtle.importKey(
        "raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
      valid = await crypto.subtle.verify(
        { name: "Ed25519" }, publicKey, signature.slice(4), encoder.encode(text));
    } catch (error) {
      throw new Failure("Webbläsaren kan inte kontrollera Ed25519-signaturer.");
    }
    if (!valid) {
      throw new Failure("Kontrollpunktens signatur är ogiltig.");
    }
    return parseCheckpointText(text);
  }

  function parseCheckpointText(text) {
    const lines = text.split("\n");
    if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) {
      throw new Failure("Kontrollpunkten har fel format.");
    }
    const root = fromBase64(lines[2]);
    if (root.length !== 32) {
      throw new Failure("Kontrollpunktens rothash har fel längd.");
    }
    return { origin: lines[0], size: BigInt(lines[1]), root: root };
  }

  // RFC 9162 §2.1.3.2
  async function verifyInclusion(hash, index, size, proof, root) {
    if (index >= size) return false;
    let fn = index;
    let sn = size - 1n;
    let r = hash;
    for (const p of proof) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        if ((fn & 1n) === 0n) {
          while ((fn & 1n) === 0n && fn !== 0n) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(r, root);
  }

  // RFC 9162 §2.1.4.2
  async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
    if (first > second) return false;
    if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
    if (first === 0n) return proof.length === 0;
    if (proof.length === 0) return false;
    const path = (first & (first - 1n)) === 0n ? [firstRoot, ...proof] : proof.slice();
    let fn = first - 1n;
    let sn = second - 1n;
    while ((fn & 1n) === 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(fr, firstRoot) && equal(sr, secondRoot);
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Failure(body.detail || "Beviset kunde inte hämtas (" + response.status + ").");
    }
    return body;
  }

  function remembered(origin) {
    try {
      const seen = JSON.parse(localStorage.getItem(STORE + origin) || "null");
      return seen && { size: BigInt(seen.size), root: fromBase64(seen.root) };
    } catch (error) {
      return null; // a garbled memory is no evidence either way
    }
  }

  function remember(checkpoint) {
    localStorage.setItem(STORE + checkpoint.origin, JSON.stringify({
      origin: checkpoint.origin,
      size: checkpoint.size.toString(),
      root: toBase64(checkpoint.root),
    }));
  }

  async function checkAgainstMemory(box, checkpoint) {
    const seen = remembered(checkpoint.origin);
    if (!seen) return "Det här är första kontrollpunkten webbläsaren ser från loggen.";
    if (checkpoint.size < seen.size) {
      throw new Failure("Larm: loggen är mindre (" + checkpoint.size + " poster) än när " +
        "webbläsaren senast såg den (" + seen.size + "). Loggen kan ha rullats tillbaka.", true);
    }
    const url = box.dataset.consistencyUrl + "?first=" + seen.size + "&second=" + checkpoint.size;
    const proof = checkpoint.size === seen.size ? [] :
      (await fetchJson(url)).consistency.map(fromBase64);
    if (!(await verifyConsistency(seen.size, checkpoint.size, seen.root, checkpoint.root, proof))) {
      throw new Failure("Larm: loggen stämmer inte med den kontrollpunkt webbläsaren såg " +
        "senast (" + seen.size + " poster). Loggen kan ha delats i två versioner.", true);
    }
    return "Loggen har bara vuxit sedan förra kontrollen (" + seen.size + " → " +
      checkpoint.size + " poster).";
  }

  async function verify(box) {
    const key = await parseVerifierKey(box.dataset.logKey || "");
    const bundle = await fetchJson(box.dataset.proofUrl);
    const checkpoint = await openCheckpoint(String(bundle.checkpoint), key);
    const leaf = fromBase64(String(bundle.leaf));
    const entry = JSON.parse(new TextDecoder().decode(leaf));
    if (String(bundle.index) !== box.dataset.index || entry.decision_id !== box.dataset.decisionId) {
      throw new Failure("Beviset gäller ett annat utlämnande än det som visas.");
    }
    const included = await verifyInclusion(await leafHash(leaf), BigInt(bundle.index),
      checkpoint.size, bundle.inclusion.map(fromBase64), checkpoint.root);
    if (!included) {
      throw new Failure("Utlämnandet kunde inte visas ingå i den signerade loggen.");
    }
    const history = await checkAgainstMemory(box, checkpoint);
    remember(checkpoint);
    return "Kontrollerat: utlämnandet ingår i loggen enligt en kontrollpunkt signerad med " +
      "den fastställda nyckeln (" + checkpoint.size + " poster). " + history;
  }

  function show(box, state, message, alarm) {
    const text = box.querySelector("[data-verification-text]") || box;
    text.textContent = message;
    if (alarm) {
      box.setAttribute("role", "alert");
      box.classList.add("larm");
    }
    box.setAttribute("data-verification", state);
  }

  document.querySelectorAll("[data-verification][data-proof-url]").forEach((box) => {
    show(box, "pending", "Kontrollerar utlämnandet mot den signerade loggen …", false);
    verify(box).then(
      (message) => show(box, "ok", message, false),
      (error) => show(box, "failed", error instanceof Failure ? error.message :
        "Kontrollen misslyckades: " + error, error instanceof Failure && error.alarm));
  });
})();
