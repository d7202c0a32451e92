// Package routes is the domain logic of `dialin routes`: safe changes to a Daily domain's
// pinless_dialin array, declarative plan/apply for CI, backups and explanations. It knows
// nothing of cobra or terminals; the commands are thin layers over the API below.
//
// Daily replaces the whole array on every write, and rotates the hmac of any entry written
// without one. Everything here therefore works on the full array, and every entry that an
// operation does not change is passed through as the very value that was read, which
// daily.PinlessDialinEntry marshals back to the exact bytes Daily returned (unknown fields,
// sip_uri and hmac included).
//
// # Building blocks (pure functions)
//
//   - Keys: an entry is named by its number (normalised E.164) or, for a SIP-interconnect
//     entry, by "sip:" and its name prefix. ParseKey reads what users type; KeyOf names an
//     entry. Hash identifies an array's content.
//   - Upsert(current, EntryChange) and Remove(current, Key) return the next array and a
//     Change (per-field old → new, secrets masked) for one entry.
//   - Validate(entries, ValidateOptions) returns one *ValidationError per problem (joined);
//     the CLI maps any *ValidationError or *SpecError to exit code 64. Pass Only (the keys
//     being changed) so that entries someone else made are not judged. EntryChange.Validate
//     checks just the fields a change sets, for flag values before any request.
//   - ParseSpec reads a routes file (see Spec), Spec.Validate checks its routes with line
//     numbers, ExportSpec writes one from live routes (secrets left out, literal, or as
//     ${HMACEnvName(key)} placeholders).
//   - Diff(current, desired) is the plan-shaped difference of two whole arrays, for restore.
//   - Plan(current, spec, prune) computes a *PlanResult: Changes, Summary, HasChanges,
//     BaseHash, Desired. json.Marshal of it is the --json form (no secrets); the commands
//     draw the human form (plans are data here); EncodePlanFile / DecodePlanFile the
//     `plan -out` file. Change.Same, PlanResult.SameChanges and Replan are the write guard:
//     what is written is what was shown, checked again before each attempt.
//   - Explain(entries, to, from, region) says which entry a call reaches, and why.
//
// # Writing (Store, Writer, BackupDir)
//
// A Store is where the routes live: NewDailyStore the domain's pinless_dialin array (GET /
// and POST /), NewConfigStore Daily's per-entry /domain-dialin-config objects, read as one
// array and written as one request per changed entry. Everything below works on either.
//
// Writer.Write(ctx, mutate, verify) is the only way commands should write: it takes the lock
// file, reads, runs mutate, saves a backup, re-reads (and runs mutate again if the routes
// changed meanwhile), writes once, reads back and checks that every entry written is there
// unchanged and nothing else is. A 429, a 5xx, a lost answer or a mismatch means: wait (at
// least Retry-After), read again, run mutate again, write again — up to MaxAttempts; the
// API client never re-sends a write of the routes itself. After a verified write it settles
// (Writer.Settle) and puts back its own routes that another machine's stale write undid.
// A sent write is finished and verified even when ctx is cancelled. Failures are
// *WriteError naming the backup. Typical use by the commands:
//
//	w := &routes.Writer{Store: routes.NewDailyStore(client),
//		Backups: &routes.BackupDir{Dir: filepath.Join(stateDir, "backups"), Keep: 100},
//		LockPath: filepath.Join(stateDir, "routes.lock")}
//
//	// routes set: validate the change, show it, write it.
//	var change routes.Change
//	res, err := w.Write(ctx, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
//		next, c, err := routes.Upsert(cur, ec)
//		if err != nil {
//			return nil, err
//		}
//		if err := routes.Validate(next, routes.ValidateOptions{Only: c.Scope(), …}); err != nil {
//			return nil, err
//		}
//		change = c // the last call's change is the one written
//		return next, nil
//	}, nil)
//
//	// routes apply -f: plan, render, confirm, then write: Replan plans the file again before
//	// each attempt and refuses with *StalePlanError (errors.Is ErrStalePlan) when its own
//	// changes are no longer the ones shown. A saved plan uses p.Next, which insists on the
//	// very routes the plan was made against.
//	p := routes.Plan(cur, spec, prune)
//	err := routes.Validate(p.Desired, routes.ValidateOptions{Only: p.ChangedKeys(), …})
//	res, err := w.Write(ctx, routes.Replan(spec, prune, p), nil)
//
//	// routes restore: a Write whose mutate returns the backup.
//	saved, err := w.Backups.Load(name)
//	res, err := w.Write(ctx, func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) { return saved, nil }, nil)
//
// mutate may run more than once; it must not prompt or print. Ask for confirmation before
// Write (on a plan or on the Change of a dry Upsert of the routes just read).
//
// # Decisions
//
//   - Lock: flock(2) on Unix, LockFileEx on Windows, on a file that is never deleted; the
//     kernel releases it when a process dies, so there are no stale locks to detect.
//   - Backups are JSON (the exact bytes of each entry), 0600 files in a 0700 directory, named
//     by UTC time so that names sort by age; Load refuses a file whose content no longer
//     matches the hash recorded in it.
//   - Prune: only entries whose name_prefix starts with the file's managed_prefix may be
//     deleted, and a file with a managed_prefix must give every route such a name; without
//     managed_prefix, --prune deletes nothing. This needs no state file, so it works from CI
//     runners that keep nothing between runs.
//   - In a spec, hmac left out means "keep the live secret"; every other field is declarative.
//   - A saved plan holds the hmac of the entries it writes; write it with mode 0600.
package routes
