;; The scan kernel: the byte-level part of scanner.ts's `process`, over a buffer in this module's
;; memory. `find` is the prefilter (prefilter.ts's search, up to two passes: the long literals
;; and the short ones), each pass run either by Wu-Manber (scalar, eight cursors, skips) or by
;; Teddy (SIMD: nibble masks of one 3-byte window per literal looked up 16 positions at a time with
;; a byte shuffle, candidates compared in full; kernel.ts times both on a pattern set's first
;; chunks and keeps the cheaper for each pass), and `lines` walks
;; the lines with SIMD newline search, checks each for a problem
;; (an ERROR/WARN/FATAL level at a fixed column, the first frame of a stack trace) and places
;; each hit on its line. Both write plain records that scanner.ts turns into events. The tables
;; are built in JavaScript (prefilter.ts) and copied in by kernel.ts; a result that does not fit
;; its region answers -1 and the JavaScript path takes over.
;; Assembled into dist/scan/kernel.wasm by scripts/kernel.mjs.
(module
  (memory (export "memory") 320)

  ;; --- Memory layout (bytes). kernel.ts reads these globals instead of repeating the numbers.
  ;; Per pass: shift u8[65536], head u16[65536] (index of the block's candidate list in `lists`,
  ;; 0 for none), lists u16[32768] (count, literal ids…; entry 0 is the empty list).
  (global $PASS0 (export "PASS0") i32 (i32.const 0))
  (global $PASS1 (export "PASS1") i32 (i32.const 262144))
  ;; Per literal (global index): address of its bytes u32, length u32, window end - start u32.
  (global $META (export "META") i32 (i32.const 524288))
  (global $META_SIZE (export "META_SIZE") i32 (i32.const 65536))
  (global $BYTES (export "BYTES") i32 (i32.const 589824))
  (global $BYTES_SIZE (export "BYTES_SIZE") i32 (i32.const 262144))
  ;; Hits of each (pass, cursor): 2 x CURSORS lists of LIST_CAP (position, literal) pairs, their
  ;; counts after.
  (global $LISTS i32 (i32.const 851968))
  (global $COUNTS i32 (i32.const 1376256))
  ;; The sorted hits of a search: (position, literal) pairs.
  (global $HITS (export "HITS") i32 (i32.const 1441792))
  ;; The records of `lines`: (position, line start, newlines before the line, literal or -1).
  (global $RECS (export "RECS") i32 (i32.const 1966080))
  ;; Buffers from outside the memory are copied here.
  (global $SCRATCH (export "SCRATCH") i32 (i32.const 3145728))
  (global $SCRATCH_SIZE (export "SCRATCH_SIZE") i32 (i32.const 8388608))
  ;; Teddy's tables (64 KiB, between SCRATCH and POOL): per pass the six nibble masks (96 bytes),
  ;; the shuffle result of a block (16 bytes), per pass each bucket's list index u16[8], per
  ;; literal its window (3 bytes, little-endian) u32 and window start u16, and the bucket lists
  ;; (count, literal ids…; list indexes count u16 entries from TEDDY_LISTS).
  (global $TEDDY (export "TEDDY") i32 (i32.const 11534336))
  (global $TEDDY_M i32 (i32.const 11534528))
  (global $TEDDY_HEAD (export "TEDDY_HEAD") i32 (i32.const 11534544))
  (global $TEDDY_WIN (export "TEDDY_WIN") i32 (i32.const 11534592))
  (global $TEDDY_OFF (export "TEDDY_OFF") i32 (i32.const 11557376))
  (global $TEDDY_LISTS (export "TEDDY_LISTS") i32 (i32.const 11569152))
  (global $TEDDY_LISTS_SIZE (export "TEDDY_LISTS_SIZE") i32 (i32.const 30720))
  ;; Reused read buffers (input/read.ts) live from here to the end, 64 bytes apart.
  (global $POOL (export "POOL") i32 (i32.const 11599872))

  (global $LIST_CAP i32 (i32.const 4096))
  (global $CURSORS i32 (i32.const 8))
  (global $HIT_CAP i32 (i32.const 65536))

  ;; --- Search settings, set by kernel.ts with `setPass`.
  (global $passes (mut i32) (i32.const 0))
  (global $mA (mut i32) (i32.const 0))
  (global $mB (mut i32) (i32.const 0))
  (global $reachA (mut i32) (i32.const 0))
  (global $reachB (mut i32) (i32.const 0))
  ;; Set when a list overflowed during a search.
  (global $overflow (mut i32) (i32.const 0))
  ;; Newlines in the range of the last `lines`.
  (global $newlines (export "newlines") (mut i32) (i32.const 0))

  ;; Pass k searches with window length m; its cursors reach `reach` bytes past their range.
  (func (export "setPass") (param $k i32) (param $m i32) (param $reach i32) (param $passes i32)
    (global.set $passes (local.get $passes))
    (if (i32.eqz (local.get $k))
      (then (global.set $mA (local.get $m)) (global.set $reachA (local.get $reach)))
      (else (global.set $mB (local.get $m)) (global.set $reachB (local.get $reach)))))

  ;; Adds a hit to list $l, moving it before later positions found earlier (each literal has its
  ;; own window, so a cursor may find a hit after one that starts later); ties by literal.
  (func $add (param $l i32) (param $pos i32) (param $lit i32)
    (local $cnt i32) (local $base i32) (local $i i32) (local $a i32) (local $pp i32) (local $pl i32)
    (local.set $cnt (i32.load (i32.add (global.get $COUNTS) (i32.shl (local.get $l) (i32.const 2)))))
    (if (i32.ge_u (local.get $cnt) (global.get $LIST_CAP))
      (then (global.set $overflow (i32.const 1)) (return)))
    (local.set $base (i32.add (global.get $LISTS) (i32.mul (local.get $l) (i32.shl (global.get $LIST_CAP) (i32.const 3)))))
    (local.set $i (local.get $cnt))
    (block $placed
      (loop $shift
        (br_if $placed (i32.eqz (local.get $i)))
        (local.set $a (i32.add (local.get $base) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $pp (i32.load (local.get $a)))
        (local.set $pl (i32.load offset=4 (local.get $a)))
        (br_if $placed
          (i32.eqz (i32.or (i32.gt_s (local.get $pp) (local.get $pos))
                           (i32.and (i32.eq (local.get $pp) (local.get $pos)) (i32.gt_s (local.get $pl) (local.get $lit))))))
        (i64.store offset=8 (local.get $a) (i64.load (local.get $a)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $shift)))
    (local.set $a (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3))))
    (i32.store (local.get $a) (local.get $pos))
    (i32.store offset=4 (local.get $a) (local.get $lit))
    (i32.store (i32.add (global.get $COUNTS) (i32.shl (local.get $l) (i32.const 2))) (i32.add (local.get $cnt) (i32.const 1))))

  ;; Compares the literals whose window ends at $pos (block $h of the pass whose head table is
  ;; at $head) and adds to list $l those starting in [$lo, $hi) and ending by $to.
  (func $verify (param $head i32) (param $lists i32) (param $l i32) (param $pos i32) (param $h i32) (param $lo i32) (param $hi i32) (param $to i32)
    (local $e i32) (local $n i32) (local $li i32) (local $md i32) (local $start i32) (local $len i32) (local $lit i32) (local $j i32)
    (local.set $e (i32.add (local.get $lists) (i32.shl (i32.load16_u (i32.add (local.get $head) (i32.shl (local.get $h) (i32.const 1)))) (i32.const 1))))
    (local.set $n (i32.load16_u (local.get $e)))
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $e (i32.add (local.get $e) (i32.const 2)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $li (i32.load16_u (local.get $e)))
        (local.set $md (i32.add (global.get $META) (i32.mul (local.get $li) (i32.const 12))))
        (local.set $start (i32.sub (local.get $pos) (i32.load offset=8 (local.get $md))))
        (local.set $len (i32.load offset=4 (local.get $md)))
        (br_if $each (i32.lt_s (local.get $start) (local.get $lo)))
        (br_if $each (i32.ge_s (local.get $start) (local.get $hi)))
        (br_if $each (i32.gt_s (i32.add (local.get $start) (local.get $len)) (local.get $to)))
        (local.set $lit (i32.load (local.get $md)))
        (br_if $each (i32.ne (i32.load8_u (local.get $start)) (i32.load8_u (local.get $lit))))
        (local.set $j (i32.const 0))
        (block $differ
          (loop $eight
            (if (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $len))
              (then
                (br_if $differ (i64.ne (i64.load (i32.add (local.get $start) (local.get $j)))
                                       (i64.load (i32.add (local.get $lit) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $eight))))
          (loop $one
            (if (i32.lt_s (local.get $j) (local.get $len))
              (then
                (br_if $differ (i32.ne (i32.load8_u (i32.add (local.get $start) (local.get $j)))
                                       (i32.load8_u (i32.add (local.get $lit) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $one))))
          (call $add (local.get $l) (local.get $start) (local.get $li)))
        (br $each))))

  ;; The table index of a window end $p is prefilter.ts's block() of the 3 bytes ending there:
  ;; (b[p-2] | b[p-1] << 8 | b[p] << 16) * 0x9e3779b1 >>> 16, from one 4-byte load.

  ;; One cursor: window ends from $pos up to $end, hits starting in [$lo, $hi), into list $l.
  (func $run (param $shift i32) (param $l i32) (param $pos i32) (param $end i32) (param $lo i32) (param $hi i32) (param $to i32)
    (local $h i32) (local $s i32) (local $head i32) (local $lists i32)
    (local.set $head (i32.add (local.get $shift) (i32.const 65536)))
    (local.set $lists (i32.add (local.get $shift) (i32.const 196608)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_s (local.get $pos) (local.get $end)))
        (local.set $h (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $pos) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $s (i32.load8_u (i32.add (local.get $shift) (local.get $h))))
        (if (local.get $s)
          (then (local.set $pos (i32.add (local.get $pos) (local.get $s))) (br $step)))
        (call $verify (local.get $head) (local.get $lists) (local.get $l) (local.get $pos) (local.get $h) (local.get $lo) (local.get $hi) (local.get $to))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $step))))

  ;; Pass $k over [$from, $to): 8 cursors over 8 equal parts stepped in turn, so that their
  ;; table lookups overlap; one cursor for ranges under 64 KiB. Hits go to lists 8k..8k+7.
  (func $pass (param $k i32) (param $from i32) (param $to i32)
    (local $shift i32) (local $head i32) (local $lists i32) (local $m1 i32) (local $reach i32) (local $l i32) (local $q i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $s4 i32) (local $s5 i32) (local $s6 i32) (local $s7 i32) (local $s8 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $p4 i32) (local $p5 i32) (local $p6 i32) (local $p7 i32)
    (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32) (local $e4 i32) (local $e5 i32) (local $e6 i32) (local $e7 i32)
    (local $h0 i32) (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $h4 i32) (local $h5 i32) (local $h6 i32) (local $h7 i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32) (local $v5 i32) (local $v6 i32) (local $v7 i32)
    (if (i32.eqz (local.get $k))
      (then (local.set $shift (global.get $PASS0)) (local.set $m1 (i32.sub (global.get $mA) (i32.const 1))) (local.set $reach (global.get $reachA)))
      (else (local.set $shift (global.get $PASS1)) (local.set $m1 (i32.sub (global.get $mB) (i32.const 1))) (local.set $reach (global.get $reachB))))
    (local.set $head (i32.add (local.get $shift) (i32.const 65536)))
    (local.set $lists (i32.add (local.get $shift) (i32.const 196608)))
    (local.set $l (i32.mul (local.get $k) (global.get $CURSORS)))
    (if (i32.lt_s (i32.sub (local.get $to) (local.get $from)) (i32.const 65536))
      (then
        (call $run (local.get $shift) (local.get $l) (i32.add (local.get $from) (local.get $m1)) (local.get $to) (local.get $from) (local.get $to) (local.get $to))
        (return)))
    (local.set $q (i32.div_u (i32.sub (local.get $to) (local.get $from)) (global.get $CURSORS)))
    (local.set $s0 (local.get $from))
    (local.set $s1 (i32.add (local.get $s0) (local.get $q)))
    (local.set $s2 (i32.add (local.get $s1) (local.get $q)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $q)))
    (local.set $s4 (i32.add (local.get $s3) (local.get $q)))
    (local.set $s5 (i32.add (local.get $s4) (local.get $q)))
    (local.set $s6 (i32.add (local.get $s5) (local.get $q)))
    (local.set $s7 (i32.add (local.get $s6) (local.get $q)))
    (local.set $s8 (local.get $to))
    (local.set $e0 (i32.add (local.get $s1) (local.get $reach)))
    (if (i32.gt_s (local.get $e0) (local.get $to)) (then (local.set $e0 (local.get $to))))
    (local.set $p0 (i32.add (local.get $s0) (local.get $m1)))
    (local.set $e1 (i32.add (local.get $s2) (local.get $reach)))
    (if (i32.gt_s (local.get $e1) (local.get $to)) (then (local.set $e1 (local.get $to))))
    (local.set $p1 (i32.add (local.get $s1) (local.get $m1)))
    (local.set $e2 (i32.add (local.get $s3) (local.get $reach)))
    (if (i32.gt_s (local.get $e2) (local.get $to)) (then (local.set $e2 (local.get $to))))
    (local.set $p2 (i32.add (local.get $s2) (local.get $m1)))
    (local.set $e3 (i32.add (local.get $s4) (local.get $reach)))
    (if (i32.gt_s (local.get $e3) (local.get $to)) (then (local.set $e3 (local.get $to))))
    (local.set $p3 (i32.add (local.get $s3) (local.get $m1)))
    (local.set $e4 (i32.add (local.get $s5) (local.get $reach)))
    (if (i32.gt_s (local.get $e4) (local.get $to)) (then (local.set $e4 (local.get $to))))
    (local.set $p4 (i32.add (local.get $s4) (local.get $m1)))
    (local.set $e5 (i32.add (local.get $s6) (local.get $reach)))
    (if (i32.gt_s (local.get $e5) (local.get $to)) (then (local.set $e5 (local.get $to))))
    (local.set $p5 (i32.add (local.get $s5) (local.get $m1)))
    (local.set $e6 (i32.add (local.get $s7) (local.get $reach)))
    (if (i32.gt_s (local.get $e6) (local.get $to)) (then (local.set $e6 (local.get $to))))
    (local.set $p6 (i32.add (local.get $s6) (local.get $m1)))
    (local.set $e7 (local.get $to))
    (local.set $p7 (i32.add (local.get $s7) (local.get $m1)))
    (block $tails
      (loop $step
        (br_if $tails (i32.ge_s (local.get $p0) (local.get $e0)))
        (br_if $tails (i32.ge_s (local.get $p1) (local.get $e1)))
        (br_if $tails (i32.ge_s (local.get $p2) (local.get $e2)))
        (br_if $tails (i32.ge_s (local.get $p3) (local.get $e3)))
        (br_if $tails (i32.ge_s (local.get $p4) (local.get $e4)))
        (br_if $tails (i32.ge_s (local.get $p5) (local.get $e5)))
        (br_if $tails (i32.ge_s (local.get $p6) (local.get $e6)))
        (br_if $tails (i32.ge_s (local.get $p7) (local.get $e7)))
        (local.set $h0 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p0) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h1 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p1) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h2 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p2) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h3 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p3) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h4 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p4) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h5 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p5) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h6 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p6) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $h7 (i32.shr_u (i32.mul (i32.and (i32.load (i32.sub (local.get $p7) (i32.const 2))) (i32.const 0xffffff)) (i32.const 0x9e3779b1)) (i32.const 16)))
        (local.set $v0 (i32.load8_u (i32.add (local.get $shift) (local.get $h0))))
        (local.set $v1 (i32.load8_u (i32.add (local.get $shift) (local.get $h1))))
        (local.set $v2 (i32.load8_u (i32.add (local.get $shift) (local.get $h2))))
        (local.set $v3 (i32.load8_u (i32.add (local.get $shift) (local.get $h3))))
        (local.set $v4 (i32.load8_u (i32.add (local.get $shift) (local.get $h4))))
        (local.set $v5 (i32.load8_u (i32.add (local.get $shift) (local.get $h5))))
        (local.set $v6 (i32.load8_u (i32.add (local.get $shift) (local.get $h6))))
        (local.set $v7 (i32.load8_u (i32.add (local.get $shift) (local.get $h7))))
        (if (local.get $v0)
          (then (local.set $p0 (i32.add (local.get $p0) (local.get $v0))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 0)) (local.get $p0) (local.get $h0) (local.get $s0) (local.get $s1) (local.get $to))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))))
        (if (local.get $v1)
          (then (local.set $p1 (i32.add (local.get $p1) (local.get $v1))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 1)) (local.get $p1) (local.get $h1) (local.get $s1) (local.get $s2) (local.get $to))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))))
        (if (local.get $v2)
          (then (local.set $p2 (i32.add (local.get $p2) (local.get $v2))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 2)) (local.get $p2) (local.get $h2) (local.get $s2) (local.get $s3) (local.get $to))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))))
        (if (local.get $v3)
          (then (local.set $p3 (i32.add (local.get $p3) (local.get $v3))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 3)) (local.get $p3) (local.get $h3) (local.get $s3) (local.get $s4) (local.get $to))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))))
        (if (local.get $v4)
          (then (local.set $p4 (i32.add (local.get $p4) (local.get $v4))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 4)) (local.get $p4) (local.get $h4) (local.get $s4) (local.get $s5) (local.get $to))
            (local.set $p4 (i32.add (local.get $p4) (i32.const 1)))))
        (if (local.get $v5)
          (then (local.set $p5 (i32.add (local.get $p5) (local.get $v5))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 5)) (local.get $p5) (local.get $h5) (local.get $s5) (local.get $s6) (local.get $to))
            (local.set $p5 (i32.add (local.get $p5) (i32.const 1)))))
        (if (local.get $v6)
          (then (local.set $p6 (i32.add (local.get $p6) (local.get $v6))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 6)) (local.get $p6) (local.get $h6) (local.get $s6) (local.get $s7) (local.get $to))
            (local.set $p6 (i32.add (local.get $p6) (i32.const 1)))))
        (if (local.get $v7)
          (then (local.set $p7 (i32.add (local.get $p7) (local.get $v7))))
          (else
            (call $verify (local.get $head) (local.get $lists) (i32.add (local.get $l) (i32.const 7)) (local.get $p7) (local.get $h7) (local.get $s7) (local.get $s8) (local.get $to))
            (local.set $p7 (i32.add (local.get $p7) (i32.const 1)))))
        (br $step)))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 0)) (local.get $p0) (local.get $e0) (local.get $s0) (local.get $s1) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 1)) (local.get $p1) (local.get $e1) (local.get $s1) (local.get $s2) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 2)) (local.get $p2) (local.get $e2) (local.get $s2) (local.get $s3) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 3)) (local.get $p3) (local.get $e3) (local.get $s3) (local.get $s4) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 4)) (local.get $p4) (local.get $e4) (local.get $s4) (local.get $s5) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 5)) (local.get $p5) (local.get $e5) (local.get $s5) (local.get $s6) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 6)) (local.get $p6) (local.get $e6) (local.get $s6) (local.get $s7) (local.get $to))
    (call $run (local.get $shift) (i32.add (local.get $l) (i32.const 7)) (local.get $p7) (local.get $e7) (local.get $s7) (local.get $s8) (local.get $to)))

  ;; Copies the CURSORS lists from $first one after the other to $out; returns the number of hits.
  (func $concat (param $first i32) (param $out i32) (result i32)
    (local $l i32) (local $n i32) (local $total i32)
    (local.set $l (local.get $first))
    (loop $each
      (local.set $n (i32.load (i32.add (global.get $COUNTS) (i32.shl (local.get $l) (i32.const 2)))))
      (memory.copy
        (i32.add (local.get $out) (i32.shl (local.get $total) (i32.const 3)))
        (i32.add (global.get $LISTS) (i32.mul (local.get $l) (i32.shl (global.get $LIST_CAP) (i32.const 3))))
        (i32.shl (local.get $n) (i32.const 3)))
      (local.set $total (i32.add (local.get $total) (local.get $n)))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $l) (i32.add (local.get $first) (global.get $CURSORS)))))
    (local.get $total))

  ;; Every occurrence of every literal starting in [$from, $to) and ending by $to, sorted by
  ;; position then literal, into HITS; returns their number, or -1 when a list overflowed. Pass k
  ;; runs by Teddy when bit k of $teddy is set, else by Wu-Manber.
  (func (export "find") (param $from i32) (param $to i32) (param $teddy i32) (result i32)
    (local $l i32) (local $na i32) (local $nb i32) (local $a i32) (local $b i32) (local $o i32)
    (local $ea i32) (local $eb i32) (local $takeA i32)
    (global.set $overflow (i32.const 0))
    (memory.fill (global.get $COUNTS) (i32.const 0) (i32.shl (global.get $CURSORS) (i32.const 3)))
    (if (i32.and (local.get $teddy) (i32.const 1))
      (then (call $teddy (i32.const 0) (local.get $from) (local.get $to)))
      (else (call $pass (i32.const 0) (local.get $from) (local.get $to))))
    (if (i32.gt_u (global.get $passes) (i32.const 1))
      (then
        (if (i32.and (local.get $teddy) (i32.const 2))
          (then (call $teddy (i32.const 1) (local.get $from) (local.get $to)))
          (else (call $pass (i32.const 1) (local.get $from) (local.get $to))))))
    (if (global.get $overflow) (then (return (i32.const -1))))
    (if (i32.le_u (global.get $passes) (i32.const 1))
      (then (return (call $concat (i32.const 0) (global.get $HITS)))))
    ;; Two passes: each pass's lists in a row (RECS is free during a search), then merged.
    (local.set $a (global.get $RECS))
    (local.set $na (call $concat (i32.const 0) (local.get $a)))
    (local.set $b (i32.add (global.get $RECS) (i32.const 524288)))
    (local.set $nb (call $concat (global.get $CURSORS) (local.get $b)))
    (local.set $ea (i32.add (local.get $a) (i32.shl (local.get $na) (i32.const 3))))
    (local.set $eb (i32.add (local.get $b) (i32.shl (local.get $nb) (i32.const 3))))
    (local.set $o (global.get $HITS))
    (block $merged
      (loop $merge
        (br_if $merged (i32.and (i32.ge_u (local.get $a) (local.get $ea)) (i32.ge_u (local.get $b) (local.get $eb))))
        (local.set $takeA
          (if (result i32) (i32.ge_u (local.get $b) (local.get $eb))
            (then (i32.const 1))
            (else
              (if (result i32) (i32.ge_u (local.get $a) (local.get $ea))
                (then (i32.const 0))
                (else
                  (i32.or (i32.lt_s (i32.load (local.get $a)) (i32.load (local.get $b)))
                          (i32.and (i32.eq (i32.load (local.get $a)) (i32.load (local.get $b)))
                                   (i32.lt_s (i32.load offset=4 (local.get $a)) (i32.load offset=4 (local.get $b))))))))))
        (if (local.get $takeA)
          (then (i64.store (local.get $o) (i64.load (local.get $a))) (local.set $a (i32.add (local.get $a) (i32.const 8))))
          (else (i64.store (local.get $o) (i64.load (local.get $b))) (local.set $b (i32.add (local.get $b) (i32.const 8)))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $merge)))
    (i32.add (local.get $na) (local.get $nb)))

  ;; 1 when the $len bytes at $a and $b are the same.
  (func $equal (param $a i32) (param $b i32) (param $len i32) (result i32)
    (local $j i32)
    (block $differ
      (loop $eight
        (if (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $len))
          (then
            (br_if $differ (i64.ne (i64.load (i32.add (local.get $a) (local.get $j)))
                                   (i64.load (i32.add (local.get $b) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $eight))))
      (loop $one
        (if (i32.lt_s (local.get $j) (local.get $len))
          (then
            (br_if $differ (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $j)))
                                   (i32.load8_u (i32.add (local.get $b) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $one))))
      (return (i32.const 1)))
    (i32.const 0))

  ;; Compares the literals of the buckets in $bk (their lists' indexes at $head) whose window is
  ;; the 3 bytes at $pos, and adds to list $l + the part of the range it starts in (parts of $q
  ;; bytes from $from, the last one running to $to) each that starts at or after $from and ends by
  ;; $to.
  (func $teddyVerify (param $pos i32) (param $bk i32) (param $head i32) (param $l i32) (param $from i32) (param $to i32) (param $q i32)
    (local $part i32)
    (local $w i32) (local $e i32) (local $n i32) (local $li i32) (local $start i32) (local $md i32)
    (local.set $w (i32.and (i32.load (local.get $pos)) (i32.const 0xffffff)))
    (block $bucketsDone
      (loop $bucket
        (br_if $bucketsDone (i32.eqz (local.get $bk)))
        (local.set $e (i32.add (global.get $TEDDY_LISTS)
          (i32.shl (i32.load16_u (i32.add (local.get $head) (i32.shl (i32.ctz (local.get $bk)) (i32.const 1)))) (i32.const 1))))
        (local.set $bk (i32.and (local.get $bk) (i32.sub (local.get $bk) (i32.const 1))))
        (local.set $n (i32.load16_u (local.get $e)))
        (block $litsDone
          (loop $lit
            (br_if $litsDone (i32.eqz (local.get $n)))
            (local.set $e (i32.add (local.get $e) (i32.const 2)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (local.set $li (i32.load16_u (local.get $e)))
            (br_if $lit (i32.ne (local.get $w) (i32.load (i32.add (global.get $TEDDY_WIN) (i32.shl (local.get $li) (i32.const 2))))))
            (local.set $start (i32.sub (local.get $pos) (i32.load16_u (i32.add (global.get $TEDDY_OFF) (i32.shl (local.get $li) (i32.const 1))))))
            (br_if $lit (i32.lt_s (local.get $start) (local.get $from)))
            (local.set $md (i32.add (global.get $META) (i32.mul (local.get $li) (i32.const 12))))
            (br_if $lit (i32.gt_s (i32.add (local.get $start) (i32.load offset=4 (local.get $md))) (local.get $to)))
            (br_if $lit (i32.eqz (call $equal (local.get $start) (i32.load (local.get $md)) (i32.load offset=4 (local.get $md)))))
            (local.set $part (i32.div_u (i32.sub (local.get $start) (local.get $from)) (local.get $q)))
            (if (i32.ge_u (local.get $part) (global.get $CURSORS))
              (then (local.set $part (i32.sub (global.get $CURSORS) (i32.const 1)))))
            (call $add (i32.add (local.get $l) (local.get $part)) (local.get $start) (local.get $li))
            (br $lit)))
        (br $bucket))))

  ;; Pass $k by Teddy: every occurrence of each of its literals starting in [$from, $to) and
  ;; ending by $to, into the pass's lists by the part of the range it starts in (as $pass's
  ;; cursors split it).
  (func $teddy (param $k i32) (param $from i32) (param $to i32)
    (local $p i32) (local $last i32) (local $bits i32) (local $i i32) (local $q i32) (local $t i32) (local $head i32) (local $l i32)
    (local $m v128) (local $v v128) (local $nib v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $nib (i8x16.splat (i32.const 15)))
    (local.set $t (i32.add (global.get $TEDDY) (i32.mul (local.get $k) (i32.const 96))))
    (local.set $head (i32.add (global.get $TEDDY_HEAD) (i32.shl (local.get $k) (i32.const 4))))
    (local.set $l (i32.mul (local.get $k) (global.get $CURSORS)))
    (local.set $lo0 (v128.load (local.get $t)))
    (local.set $hi0 (v128.load offset=16 (local.get $t)))
    (local.set $lo1 (v128.load offset=32 (local.get $t)))
    (local.set $hi1 (v128.load offset=48 (local.get $t)))
    (local.set $lo2 (v128.load offset=64 (local.get $t)))
    (local.set $hi2 (v128.load offset=80 (local.get $t)))
    (local.set $q (i32.div_u (i32.sub (local.get $to) (local.get $from)) (global.get $CURSORS)))
    (if (i32.eqz (local.get $q)) (then (local.set $q (i32.const 1))))
    ;; The last position a window can start at.
    (local.set $last (i32.sub (local.get $to) (i32.const 3)))
    (local.set $p (local.get $from))
    (block $done
      (loop $block
        (br_if $done (i32.gt_s (local.get $p) (local.get $last)))
        ;; The buckets (bits of $m's bytes) whose masks the 3-byte windows starting at the 16
        ;; positions from $p pass: for each window byte, the low-nibble mask shuffled by the low
        ;; nibbles and the high-nibble mask by the high nibbles, and'ed.
        (local.set $v (v128.load (local.get $p)))
        (local.set $m (v128.and (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v) (local.get $nib)))
                                (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $v) (i32.const 4)))))
        (local.set $v (v128.load offset=1 (local.get $p)))
        (local.set $m (v128.and (local.get $m)
                                (v128.and (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v) (local.get $nib)))
                                          (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $v (v128.load offset=2 (local.get $p)))
        (local.set $m (v128.and (local.get $m)
                                (v128.and (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v) (local.get $nib)))
                                          (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $bits (i8x16.bitmask (i8x16.ne (local.get $m) (v128.const i64x2 0 0))))
            (if (i32.lt_s (i32.sub (local.get $last) (local.get $p)) (i32.const 15))
              (then (local.set $bits (i32.and (local.get $bits) (i32.sub (i32.shl (i32.const 2) (i32.sub (local.get $last) (local.get $p))) (i32.const 1))))))
            (v128.store (global.get $TEDDY_M) (local.get $m))
            (block $candsDone
              (loop $cands
                (br_if $candsDone (i32.eqz (local.get $bits)))
                (local.set $i (i32.ctz (local.get $bits)))
                (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                (call $teddyVerify (i32.add (local.get $p) (local.get $i)) (i32.load8_u (i32.add (global.get $TEDDY_M) (local.get $i)))
                  (local.get $head) (local.get $l) (local.get $from) (local.get $to) (local.get $q))
                (br $cands)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $block))))


  ;; Byte at $i, or -1 at or past $end (a JavaScript Buffer read past its end gives undefined).
  (func $byte (param $i i32) (param $end i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $i) (local.get $end))
      (then (i32.load8_u (local.get $i)))
      (else (i32.const -1))))

  ;; Walks the lines of [$from, $limit) (the buffer ends at $bufEnd) and writes a record for
  ;; each problem line (when $problems: an indented "at " line after a line that was not one, or
  ;; ER/WA/FA at byte column $col when $col >= 0) and for each of the first $nHits hits of HITS,
  ;; on the line that holds it, in line order (a line's problem record before its hits). Returns
  ;; the number of records (-1 when RECS overflowed); `newlines` gets the newlines in the range.
  (func (export "lines") (param $from i32) (param $limit i32) (param $bufEnd i32) (param $problems i32) (param $col i32) (param $nHits i32) (result i32)
    (local $p i32) (local $ls i32) (local $end i32) (local $mask i64) (local $blk i32) (local $left i32)
    (local $lineNo i32) (local $o i32) (local $oEnd i32) (local $hit i32) (local $hitEnd i32)
    (local $prevFrame i32) (local $frame i32) (local $problem i32) (local $c i32) (local $q i32) (local $a i32)
    (local $ten v128) (local $n0 v128) (local $n1 v128) (local $n2 v128) (local $n3 v128)
    (local.set $ten (i8x16.splat (i32.const 10)))
    (local.set $o (global.get $RECS))
    (local.set $oEnd (i32.add (global.get $RECS) (i32.const 1048576)))
    (local.set $hit (global.get $HITS))
    (local.set $hitEnd (i32.add (global.get $HITS) (i32.shl (local.get $nHits) (i32.const 3))))
    (local.set $p (local.get $from))
    (local.set $ls (local.get $from))
    (block $done
      (loop $line
        ;; The next line end: the next newline of the current 64-byte block (bits of $mask), else of
        ;; the next block that holds one (blocks without one cost a test each), else the limit.
        (if (i64.eqz (local.get $mask))
          (then
            (block $found
              (loop $scan
                (if (i32.ge_u (local.get $p) (local.get $limit))
                  (then
                    (br_if $done (i32.ge_u (local.get $ls) (local.get $limit)))
                    ;; The last line has no newline: it ends at the limit.
                    (local.set $end (local.get $limit))
                    (br $found)))
                (local.set $n0 (i8x16.eq (v128.load (local.get $p)) (local.get $ten)))
                (local.set $n1 (i8x16.eq (v128.load offset=16 (local.get $p)) (local.get $ten)))
                (local.set $n2 (i8x16.eq (v128.load offset=32 (local.get $p)) (local.get $ten)))
                (local.set $n3 (i8x16.eq (v128.load offset=48 (local.get $p)) (local.get $ten)))
                (if (v128.any_true (v128.or (v128.or (local.get $n0) (local.get $n1)) (v128.or (local.get $n2) (local.get $n3))))
                  (then
                    (local.set $mask
                      (i64.or
                        (i64.or (i64.extend_i32_u (i8x16.bitmask (local.get $n0)))
                                (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $n1))) (i64.const 16)))
                        (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $n2))) (i64.const 32))
                                (i64.shl (i64.extend_i32_u (i8x16.bitmask (local.get $n3))) (i64.const 48)))))
                    ;; Bytes at or past the limit are not the range's.
                    (local.set $left (i32.sub (local.get $limit) (local.get $p)))
                    (if (i32.lt_u (local.get $left) (i32.const 64))
                      (then (local.set $mask (i64.and (local.get $mask)
                        (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $left))) (i64.const 1))))))
                    (local.set $blk (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.const 64)))
                (br_if $scan (i64.eqz (local.get $mask)))))))
        (if (i64.ne (local.get $mask) (i64.const 0))
          (then
            (local.set $end (i32.add (local.get $blk) (i32.wrap_i64 (i64.ctz (local.get $mask)))))
            (local.set $mask (i64.and (local.get $mask) (i64.sub (local.get $mask) (i64.const 1))))))
        ;; The line [$ls, $end).
        (if (local.get $problems)
          (then
            ;; $ls < $limit <= $bufEnd: the line's first byte is in the buffer.
            (local.set $c (i32.load8_u (local.get $ls)))
            (local.set $frame (i32.const 0))
            (local.set $problem (i32.const 0))
            (if (i32.or (i32.eq (local.get $c) (i32.const 9)) (i32.eq (local.get $c) (i32.const 32)))
              (then
                (local.set $q (i32.add (local.get $ls) (i32.const 1)))
                (block $indent
                  (loop $skip
                    (br_if $indent (i32.ge_u (local.get $q) (local.get $end)))
                    (br_if $indent (i32.ge_u (local.get $q) (i32.add (local.get $ls) (i32.const 12))))
                    (local.set $c (i32.load8_u (local.get $q)))
                    (br_if $indent (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $skip)))
                (local.set $frame
                  (i32.and (i32.eq (call $byte (local.get $q) (local.get $bufEnd)) (i32.const 97))
                    (i32.and (i32.eq (call $byte (i32.add (local.get $q) (i32.const 1)) (local.get $bufEnd)) (i32.const 116))
                             (i32.eq (call $byte (i32.add (local.get $q) (i32.const 2)) (local.get $bufEnd)) (i32.const 32)))))
                (local.set $problem (i32.and (local.get $frame) (i32.eqz (local.get $prevFrame)))))
              (else
                (if (i32.and (i32.ge_s (local.get $col) (i32.const 0))
                             (i32.gt_s (i32.sub (local.get $end) (local.get $ls)) (i32.add (local.get $col) (i32.const 2))))
                  (then
                    (local.set $a (i32.load16_u (i32.add (local.get $ls) (local.get $col))))
                    ;; "ER", "WA", "FA" read as little-endian 16-bit numbers.
                    (local.set $problem
                      (i32.or (i32.or (i32.eq (local.get $a) (i32.const 0x5245)) (i32.eq (local.get $a) (i32.const 0x4157)))
                              (i32.eq (local.get $a) (i32.const 0x4146))))))))
            (local.set $prevFrame (local.get $frame))
            (if (local.get $problem)
              (then
                (if (i32.ge_u (local.get $o) (local.get $oEnd)) (then (return (i32.const -1))))
                (i32.store (local.get $o) (local.get $ls))
                (i32.store offset=4 (local.get $o) (local.get $ls))
                (i32.store offset=8 (local.get $o) (local.get $lineNo))
                (i32.store offset=12 (local.get $o) (i32.const -1))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))))))
        ;; The hits on this line.
        (block $hitsDone
          (loop $hits
            (br_if $hitsDone (i32.ge_u (local.get $hit) (local.get $hitEnd)))
            (br_if $hitsDone (i32.gt_s (i32.load (local.get $hit)) (local.get $end)))
            (if (i32.ge_u (local.get $o) (local.get $oEnd)) (then (return (i32.const -1))))
            (i32.store (local.get $o) (i32.load (local.get $hit)))
            (i32.store offset=4 (local.get $o) (local.get $ls))
            (i32.store offset=8 (local.get $o) (local.get $lineNo))
            (i32.store offset=12 (local.get $o) (i32.load offset=4 (local.get $hit)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $hit (i32.add (local.get $hit) (i32.const 8)))
            (br $hits)))
        (br_if $done (i32.ge_u (local.get $end) (local.get $limit)))
        (local.set $lineNo (i32.add (local.get $lineNo) (i32.const 1)))
        (local.set $ls (i32.add (local.get $end) (i32.const 1)))
        (br $line)))
    (global.set $newlines (local.get $lineNo))
    (i32.shr_u (i32.sub (local.get $o) (global.get $RECS)) (i32.const 4)))
)
