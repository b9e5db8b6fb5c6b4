// ballot.js: the voter's browser encrypts and signs the ballot itself, so
// the voter's choice never leaves the browser.
//
// It builds a Belenios 2.0 ballot for the group BELENIOS-2048 exactly as
// the server's Go code does (internal/election/belenios, CreateBallot):
// for every answer an ElGamal encryption of 0 or 1 with a disjunctive
// proof that it is 0 or 1; for every question the overall proof (and, when
// blank votes are allowed, the blank proof) that the choices add up as the
// question requires; the voter's Schnorr signature with the credential;
// and the canonical JSON that the verifier demands byte for byte. The
// strings hashed for the proofs are those of the Belenios specification
// (see shared/belenios/formats.md, §4.1 and §9).
//
// Without dependencies and without eval, so it runs under the CSP
// `script-src 'self'`. Numbers are BigInt.
//
// Hashing: SHA-256 is written out below (FIPS 180-4) rather than taken
// from crypto.subtle, because crypto.subtle exists only in secure contexts
// and is asynchronous: the proofs hash dozens of short strings one after
// another, and a synchronous function keeps the code a plain transcription
// of the Go code. The tests check it against Go's crypto/sha256.
//
// Timing: BigInt arithmetic in JavaScript is variable time, so modPow
// below (square-and-multiply with a 4-bit window) leaks something about
// its exponents (the credential, the encryption randomness) through its
// running time. It runs on the voter's own device, where only software on
// that device could measure it; the server's Go code is constant time.
//
// Randomness: crypto.getRandomValues, 256 bits at a time, a draw kept only
// when it is below q (rejection sampling: uniform mod q, no bias).
//
// The page: a form with data-ballot-form is enhanced. On submit, when an
// answer is chosen, the script encrypts it and posts only the ballot (field
// "ballot") with a form of its own, so the chosen radio button is never
// sent. If anything fails, it submits the form as it is: the server then
// encrypts for the voter (the path without JavaScript), and the page it
// answers says so.
//
// With a credential authority (data-authority, see credentials.go) the
// page carries no credential: the voter types the one the authority sent
// into the field named by data-credential-input, which has no name and so
// is never posted. The script checks its form and checksum before signing
// (data-msg-cred-format when wrong) and, if anything fails, posts nothing:
// the server holds no credential to encrypt with.
(function () {
  "use strict";

  // --- The group BELENIOS-2048 (Belenios specification §5.1) ---
  const P = BigInt("20694785691422546401013643657505008064922989295751104097100884787057374219242717401922237254497684338129066633138078958404960054389636289796393038773905722803605973749427671376777618898589872735865049081167099310535867780980030790491654063777173764198678527273474476341835600035698305193144284561701911000786737307333564123971732897913240474578834468260652327974647951137672658693582180046317922073668860052627186363386088796882120769432366149491002923444346373222145884100586421050242120365433561201320481118852408731077014151666200162313177169372189248078507711827842317498073276598828825169183103125680162072880719");
  const G = BigInt("2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285676155269678799694668298749389095083896573425601900601068477164491735474137283104610458681314511781646755400527402889846139864532661215055797097162016168270312886432456663834863635782106154918419982534315189740658186868651151358576410138882215396016043228843603930989333662772848406593138406010231675095763777982665103606822406635076697764025346253773085133173495194248967754052573659049492477631475991575198775177711481490920456600205478127054728238140972518639858334115700568353695553423781475582491896050296680037745308460627");
  const Q = BigInt("78571733251071885079927659812671450121821421258408794611510081919805623223441");
  const GROUP = "BELENIOS-2048";

  // --- SHA-256 (FIPS 180-4) ---
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // sha256 returns the SHA-256 digest (32 bytes) of a Uint8Array.
  function sha256(msg) {
    const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    // Padding: 0x80, zeros, and the length in bits as 64 bits big-endian.
    const n = Math.ceil((msg.length + 9) / 64) * 64;
    const buf = new Uint8Array(n);
    buf.set(msg);
    buf[msg.length] = 0x80;
    const dv = new DataView(buf.buffer);
    dv.setUint32(n - 8, Math.floor(msg.length / 0x20000000));
    dv.setUint32(n - 4, (msg.length * 8) >>> 0);
    const W = new Uint32Array(64);
    for (let off = 0; off < n; off += 64) {
      for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + 4 * i);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = W[i - 16] + s0 + W[i - 7] + s1; // a Uint32Array keeps it mod 2^32
      }
      let [a, b, c, d, e, f, g, h] = H;
      for (let i = 0; i < 64; i++) {
        const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const ch = (e & f) ^ (~e & g);
        const t1 = (h + S1 + ch + K[i] + W[i]) >>> 0;
        const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0;
        d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setUint32(4 * i, H[i]);
    return out;
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  function concat(a, b) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }

  // hmacSHA256 is HMAC (RFC 2104) with SHA-256.
  function hmacSHA256(key, msg) {
    if (key.length > 64) key = sha256(key);
    const ipad = new Uint8Array(64), opad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) {
      const k = i < key.length ? key[i] : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
    return sha256(concat(opad, sha256(concat(ipad, msg))));
  }

  // pbkdf2SHA256 is PBKDF2 (RFC 8018) with HMAC-SHA256 and a 32-byte
  // output: one block.
  function pbkdf2SHA256(password, salt, iterations) {
    let u = hmacSHA256(password, concat(salt, new Uint8Array([0, 0, 0, 1])));
    const t = u.slice();
    for (let i = 1; i < iterations; i++) {
      u = hmacSHA256(password, u);
      for (let j = 0; j < 32; j++) t[j] ^= u[j];
    }
    return t;
  }

  // base64NoPad is standard base64 without '=' padding, as Belenios
  // writes hashes.
  function base64NoPad(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/=+$/, "");
  }

  function bytesToBigInt(bytes) {
    let hex = "0x0";
    for (const b of bytes) hex += b.toString(16).padStart(2, "0");
    return BigInt(hex);
  }

  // --- Arithmetic mod P and mod Q ---

  function mod(a, m) {
    const r = a % m;
    return r < 0n ? r + m : r;
  }

  // modPow returns base^exp mod m for exp >= 0: left to right, four bits
  // of the exponent at a time (a table of base^0..base^15). Variable time.
  function modPow(base, exp, m) {
    base = mod(base, m);
    const table = [1n, base];
    for (let i = 2; i < 16; i++) table[i] = (table[i - 1] * base) % m;
    let r = 1n;
    for (const digit of exp.toString(16)) {
      r = (r * r) % m;
      r = (r * r) % m;
      r = (r * r) % m;
      r = (r * r) % m;
      const d = parseInt(digit, 16);
      if (d !== 0) r = (r * table[d]) % m;
    }
    return r;
  }

  // randomScalar returns a uniformly random integer in [0, Q).
  function randomScalar() {
    const buf = new Uint8Array(32);
    for (;;) {
      crypto.getRandomValues(buf);
      const x = bytesToBigInt(buf);
      if (x < Q) return x;
    }
  }

  // hashToScalar is the Fiat–Shamir hash of Belenios: SHA-256 of the
  // prefix followed by the decimal numbers joined with commas, read
  // big-endian, mod Q.
  function hashToScalar(prefix, nums) {
    return bytesToBigInt(sha256(utf8(prefix + nums.map(String).join(",")))) % Q;
  }

  // gPow(m) is g^m for a small m ≥ 0 or < 0 (as g^(m mod Q): g has order Q).
  const gPowCache = new Map();
  function gPow(m) {
    if (!gPowCache.has(m)) gPowCache.set(m, modPow(G, mod(BigInt(m), Q), P));
    return gPowCache.get(m);
  }

  // proveDisjunction proves that one of the statements {alpha, beta, m}
  // (an ElGamal ciphertext under y and a small integer) encrypts g^m: the
  // one at index real, whose randomness is witness. The other statements
  // are simulated with random challenges and responses; the real
  // challenge is the hash of all the commitments minus theirs. The Go
  // verifier checks g^s·α^c and y^s·(β/g^m)^c against the hash.
  function proveDisjunction(prefix, statements, real, witness, y) {
    const w = randomScalar();
    const commitments = [];
    const proofs = [];
    let others = 0n;
    statements.forEach((st, j) => {
      if (j === real) {
        commitments.push(modPow(G, w, P), modPow(y, w, P));
        proofs.push(null);
        return;
      }
      const c = randomScalar(), s = randomScalar();
      const A = (modPow(G, s, P) * modPow(st.alpha, c, P)) % P;
      const B = (modPow(y, s, P) * modPow((st.beta * gPow(-st.m)) % P, c, P)) % P;
      commitments.push(A, B);
      proofs.push({ challenge: c, response: s });
      others += c;
    });
    const c = mod(hashToScalar(prefix, commitments) - others, Q);
    proofs[real] = { challenge: c, response: mod(w - witness * c, Q) };
    return proofs;
  }

  // deriveCredential derives the credential's exponent as Belenios does:
  // s = PBKDF2-HMAC-SHA256(credential, uuid, 1000, 32) mod Q, public g^s.
  function deriveCredential(uuid, credential) {
    const s = bytesToBigInt(pbkdf2SHA256(utf8(credential), utf8(uuid), 1000)) % Q;
    return { s: s, public: modPow(G, s, P) };
  }

  // checkPlaintext throws unless votes (one 0/1 array per question, the
  // blank flag first on blank-allowed questions) is a valid vote.
  function checkPlaintext(election, votes) {
    if (!Array.isArray(votes) || votes.length !== election.questions.length) throw new Error("one answer per question");
    election.questions.forEach((q, qi) => {
      const v = votes[qi];
      if (!Array.isArray(v) || v.length !== q.answers.length + (q.blank ? 1 : 0)) throw new Error("question " + (qi + 1) + ": wrong number of choices");
      if (!v.every((m) => m === 0 || m === 1)) throw new Error("question " + (qi + 1) + ": choices must be 0 or 1");
      let sum = v.reduce((a, b) => a + b, 0);
      if (q.blank && v[0] === 1) {
        if (sum !== 1) throw new Error("question " + (qi + 1) + ": a blank vote selects nothing else");
        return;
      }
      if (q.blank) sum -= v[0];
      if (sum < q.min || sum > q.max) throw new Error("question " + (qi + 1) + ": " + sum + " selected");
    });
  }

  // --- Canonical JSON (field order and form as Belenios writes it) ---

  // str writes a JSON string; the ballot's strings (uuid, hashes) are
  // Base58 and base64, so anything else is refused rather than escaped.
  function str(s) {
    if (!/^[A-Za-z0-9+/]*$/.test(s)) throw new Error("unexpected string in ballot");
    return '"' + s + '"';
  }
  function num(x) { return '"' + x.toString(10) + '"'; }
  function proofJSON(p) { return '{"challenge":' + num(p.challenge) + ',"response":' + num(p.response) + "}"; }
  function proofsJSON(ps) { return "[" + ps.map(proofJSON).join(",") + "]"; }
  function answerJSON(a) {
    let s = '{"choices":[' + a.choices.map((c) => '{"alpha":' + num(c.alpha) + ',"beta":' + num(c.beta) + "}").join(",") +
      '],"individual_proofs":[' + a.individualProofs.map(proofsJSON).join(",") +
      '],"overall_proof":' + proofsJSON(a.overallProof);
    if (a.blankProof) s += ',"blank_proof":' + proofsJSON(a.blankProof);
    return s + "}";
  }

  // createBallot encrypts votes for the election whose exact JSON is
  // electionJSON and signs the ballot with the secret credential; it
  // returns the ballot's canonical JSON.
  function createBallot(electionJSON, credential, votes) {
    const el = JSON.parse(electionJSON);
    if (el.group !== GROUP) throw new Error("unsupported group " + el.group);
    checkPlaintext(el, votes);
    const y = BigInt(el.public_key);
    const phi = base64NoPad(sha256(utf8(electionJSON)));
    const cred = deriveCredential(el.uuid, credential);
    const s0 = phi + "|" + cred.public;
    const answers = el.questions.map((q, qi) => {
      const v = votes[qi];
      const a = { choices: [], individualProofs: [], overallProof: null, blankProof: null };
      const rs = [];
      // Each choice: (g^r, y^r·g^m) and the proof that m is 0 or 1.
      v.forEach((m) => {
        const r = randomScalar();
        const alpha = modPow(G, r, P);
        const beta = (modPow(y, r, P) * gPow(m)) % P;
        rs.push(r);
        a.choices.push({ alpha: alpha, beta: beta });
        a.individualProofs.push(proveDisjunction("prove|" + s0 + "|" + alpha + "," + beta + "|",
          [{ alpha: alpha, beta: beta, m: 0 }, { alpha: alpha, beta: beta, m: 1 }], m, r, y));
      });
      const S = s0 + "|" + a.choices.map((c) => c.alpha + "," + c.beta).join(",");
      // The product of the answers' ciphertexts (the blank flag left out)
      // encrypts how many answers were selected.
      const first = q.blank ? 1 : 0;
      let sa = 1n, sb = 1n, rSum = 0n, mSum = 0;
      for (let j = first; j < v.length; j++) {
        sa = (sa * a.choices[j].alpha) % P;
        sb = (sb * a.choices[j].beta) % P;
        rSum = (rSum + rs[j]) % Q;
        mSum += v[j];
      }
      const sums = (lo, hi) => {
        const out = [];
        for (let m = lo; m <= hi; m++) out.push({ alpha: sa, beta: sb, m: m });
        return out;
      };
      if (!q.blank) {
        a.overallProof = proveDisjunction("prove|" + S + "|" + sa + "," + sb + "|", sums(q.min, q.max), mSum - q.min, rSum, y);
        return a;
      }
      // Blank allowed: either the blank flag is 0 or the sum is 0
      // (bproof0), and either the flag is 1 or the sum is in min..max
      // (bproof1).
      const blank = v[0];
      const c0 = a.choices[0];
      a.blankProof = proveDisjunction("bproof0|" + S + "|",
        [{ alpha: c0.alpha, beta: c0.beta, m: 0 }, { alpha: sa, beta: sb, m: 0 }], blank, blank ? rSum : rs[0], y);
      a.overallProof = proveDisjunction("bproof1|" + S + "|",
        [{ alpha: c0.alpha, beta: c0.beta, m: 1 }].concat(sums(q.min, q.max)), blank ? 0 : 1 + mSum - q.min, blank ? rs[0] : rSum, y);
      return a;
    });
    const body = '{"election_uuid":' + str(el.uuid) + ',"election_hash":' + str(phi) + ',"credential":' + num(cred.public) +
      ',"answers":[' + answers.map(answerJSON).join(",") + "]";
    // The signature: a Schnorr proof of the credential's exponent over
    // the hash of the ballot without its signature.
    const hash = base64NoPad(sha256(utf8(body + "}")));
    const w = randomScalar();
    const c = hashToScalar("sig|" + hash + "|", [modPow(G, w, P)]);
    const sig = { challenge: c, response: mod(w - cred.s * c, Q) };
    return body + ',"signature":{"hash":' + str(hash) + ',"proof":' + proofJSON(sig) + "}}";
  }

  // plaintextFor turns the value of the voting form's radio button ("0",
  // "1", ... or "blank") into the plaintext of a one-question election.
  function plaintextFor(election, choice) {
    if (election.questions.length !== 1) throw new Error("the form votes on one question");
    const q = election.questions[0];
    const off = q.blank ? 1 : 0;
    const v = new Array(q.answers.length + off).fill(0);
    if (choice === "blank") {
      if (!q.blank) throw new Error("blank not allowed");
      v[0] = 1;
    } else {
      const i = Number(choice);
      if (!/^(0|[1-9][0-9]*)$/.test(choice) || i >= q.answers.length) throw new Error("no such answer");
      v[off + i] = 1;
    }
    return [v];
  }

  // credentialOK reports whether s is a secret credential as Belenios
  // prints it: XXX-XXX-XXX-XXX-XXX, Base58, the last character a checksum
  // (53 - n mod 53 of the first 14 read in base 58).
  const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  function credentialOK(s) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{3}(-[1-9A-HJ-NP-Za-km-z]{3}){4}$/.test(s)) return false;
    const raw = s.replace(/-/g, "");
    let n = 0n;
    for (let i = 0; i < 14; i++) n = n * 58n + BigInt(B58.indexOf(raw[i]));
    return B58.indexOf(raw[14]) === Number(53n - (n % 53n));
  }

  // --- The voting page ---

  function enhance(form) {
    const d = form.dataset;
    const status = document.getElementById(d.status);
    const mode = document.getElementById(d.mode);
    // With a credential authority (data-authority) the voter types the
    // credential into an input without a name, so it is never posted; a
    // failure then sends nothing (the server has no credential to sign with).
    const credInput = d.credentialInput ? document.getElementById(d.credentialInput) : null;
    const credError = credInput ? document.getElementById(d.credentialInput + "-error") : null;
    if (!status || !d.election || (!d.credential && !credInput)) return;
    if (mode) mode.hidden = false;
    let busy = false;
    form.addEventListener("submit", (ev) => {
      const picked = form.querySelector('input[type="radio"]:checked');
      if (!picked) return; // nothing to encrypt: the server asks for a choice
      ev.preventDefault();
      if (busy) return;
      let credential = d.credential;
      if (credInput) {
        credential = credInput.value.trim();
        if (!credentialOK(credential)) {
          credError.textContent = d.msgCredFormat;
          credError.hidden = false;
          credInput.setAttribute("aria-invalid", "true");
          credInput.setAttribute("aria-describedby", d.credentialInput + "-hint " + d.credentialInput + "-error");
          status.textContent = d.msgCredFormat;
          credInput.focus();
          return;
        }
        credError.hidden = true;
        credInput.removeAttribute("aria-invalid");
      }
      busy = true;
      status.textContent = d.msgWorking;
      // Let the status be shown and announced before the computation
      // holds the page for a moment.
      setTimeout(() => {
        let ballot;
        try {
          ballot = createBallot(d.election, credential, plaintextFor(JSON.parse(d.election), picked.value));
        } catch (err) {
          status.textContent = d.msgFailed;
          if (d.authority) { busy = false; return; } // nothing to fall back on
          HTMLFormElement.prototype.submit.call(form); // the path without JavaScript
          return;
        }
        status.textContent = d.msgSending;
        // A form of its own, so that only the ballot is posted.
        const f = document.createElement("form");
        f.method = "post";
        f.action = form.action;
        f.hidden = true;
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "ballot";
        input.value = ballot;
        f.appendChild(input);
        document.body.appendChild(f);
        f.submit();
      }, 50);
    });
    // Back from the next page (the page may come from the back/forward
    // cache): ready to vote again.
    window.addEventListener("pageshow", () => {
      busy = false;
      status.textContent = "";
    });
  }

  window.TorgBallot = {
    createBallot: createBallot,
    plaintextFor: plaintextFor,
    deriveCredential: deriveCredential,
    credentialOK: credentialOK,
    sha256: sha256,
    pbkdf2SHA256: pbkdf2SHA256,
  };

  function start() {
    document.querySelectorAll("form[data-ballot-form]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
