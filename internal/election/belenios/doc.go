// Package belenios is the cryptographic core of Torg's verifiable
// elections: Belenios 2.0 compatible records (UUID.bel) that Debian's
// belenios-tool 2.0 verifies, and an independent verifier for them.
//
// What is here:
//
//   - the group BELENIOS-2048 (group.go), the Fiat–Shamir hash, and
//     fixed-base tables for g and the election key;
//   - the record's JSON types with their canonical encoding and strict
//     parsers that accept only canonical bytes (json.go);
//   - the .bel archive: reader (exact V7 tar headers, member names = SHA-256
//     of contents, hash chain of events, byte-identical re-encoding) and the
//     canonical writer (archive.go);
//   - Verify (verify.go), which performs every check of `belenios-tool
//     election verify` for homomorphic elections: archive form and hash
//     chain, trustee key proofs (Single and Pedersen, including
//     certificates, coefficient signatures and verification keys), the
//     election key as the product of the trustees' keys, public
//     credentials, every ballot (canonical form, election, eligible
//     credential, signature, group membership, individual, overall and
//     blank proofs), the revote rule (the last ballot per credential
//     counts), the encrypted tally, partial decryption proofs (Lagrange
//     combination for Pedersen) and the result. A failure is a *CheckError
//     naming the check and the event. Torg is stricter than belenios-tool
//     2.0 in two places: a byte-identical ballot recorded twice is rejected
//     as a replay, and the recorded encrypted tally must equal the product
//     of the counted ballots (belenios-tool 2.0 does not compare them).
//     Verification uses only public data, so it runs in variable time:
//     Montgomery arithmetic on math/big's own word-vector kernels
//     (mont.go; reached by go:linkname, which the Go project keeps working
//     for these functions), squarings shared between the exponentiations
//     of one base, fixed-base tables for g and the election key, and both
//     CPU cores;
//   - generation (generate.go, threshold.go): credentials derived exactly as
//     belenios-tool does, Single trustee keys, simulated Pedersen t-of-n key
//     generation (public parameters only), ballots with all proofs, the
//     encrypted tally, partial decryptions with proofs and the result;
//   - Simulate (simulate.go): a whole election in memory, written as
//     UUID.bel plus expected.json by `torg election simulate`.
//
// Constant time: everything computed from a secret (credential exponent,
// trustee key or share, encryption randomness, the vote, the index of the
// true disjunct of an OR-proof, the PKI keys of Pedersen trustees) uses
// filippo.io/bigmod, whose exponentiation and modular arithmetic run in
// time independent of the values, and crypto/subtle selections. Only
// values about to be published are converted to math/big. The simulated
// disjuncts of an OR-proof are computed for every disjunct from fresh
// random values (published, or discarded for the true one), so their
// variable-time arithmetic reveals nothing about the vote.
//
// What is not here: the group RFC-3526-2048 and non-homomorphic questions
// (message embedding, mixnet shuffles), weighted voters in Simulate
// (weights are verified), the Pedersen key-generation protocol between
// real trustees (encrypted channel messages, AES-CCM), storage, web pages
// and any database: this package is pure crypto and formats, for the web
// module (election setup, voting pages, trustees) to build on.
package belenios
