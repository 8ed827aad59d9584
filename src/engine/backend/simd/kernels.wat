;; SIMD128 loops that run on tfjs-backend-wasm's own heap (the module imports
;; its memory), for kernels where tfjs' wasm build runs a scalar loop.
;; Assembled by scripts/build-simd-kernels.ts into kernels.wasm.ts; wrapped as
;; tfjs kernels in ../wasmSimdKernels.ts and ../wasmDepthwiseKernels.ts.
;; Every pointer is a byte offset into the heap; every count is in elements.
(module
  (import "env" "memory" (memory 1))

  ;; dst[c·rows + r] = src[r·cols + c], 4×4 blocks at a time; rows and cols multiples of 4.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $p i32) (local $q i32) (local $srcRow i32) (local $dstRow i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128)
    (local.set $srcRow (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstRow (i32.shl (local.get $rows) (i32.const 2)))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $colsDone (loop $colLoop
        (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load (i32.add (local.get $p) (local.get $srcRow))))
        (local.set $v2 (v128.load (i32.add (local.get $p) (i32.shl (local.get $srcRow) (i32.const 1)))))
        (local.set $v3 (v128.load (i32.add (local.get $p) (i32.mul (local.get $srcRow) (i32.const 3)))))
        ;; a = (v0₀ v1₀ v0₁ v1₁), b = (v0₂ v1₂ v0₃ v1₃), e and f the same for v2, v3
        (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
        (local.set $b (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
        (local.set $e (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
        (local.set $f (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
        (local.set $q (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
        (v128.store (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $e)))
        (v128.store (i32.add (local.get $q) (local.get $dstRow)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $e)))
        (v128.store (i32.add (local.get $q) (i32.shl (local.get $dstRow) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b) (local.get $f)))
        (v128.store (i32.add (local.get $q) (i32.mul (local.get $dstRow) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b) (local.get $f)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $colLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rowLoop))))

  ;; out[i] = x[i] ≥ s (le = 0) or x[i] ≤ s (le = 1), as bytes 1/0 (tfjs' bool); NaN gives 0.
  (func (export "compareScalar") (param $x i32) (param $out i32) (param $n i32) (param $s f32) (param $le i32)
    (local $i i32) (local $end i32) (local $vs v128) (local $v v128) (local $m v128) (local $xv f32)
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $m (select (result v128) (f32x4.le (local.get $v) (local.get $vs)) (f32x4.ge (local.get $v) (local.get $vs)) (local.get $le)))
      ;; lane masks (-1/0) narrowed to bytes, then 1/0
      (local.set $m (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $m) (local.get $m)) (local.get $m)))
      (v128.store32_lane 0 (i32.add (local.get $out) (local.get $i)) (v128.and (local.get $m) (i8x16.splat (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $loop)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xv (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store8 (i32.add (local.get $out) (local.get $i))
        (select (f32.le (local.get $xv) (local.get $s)) (f32.ge (local.get $xv) (local.get $s)) (local.get $le)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  ;; The gradient of min(max(x, 0), hi) as tfjs' ReLU layer computes it (relu, then clip):
  ;; out[i] = 0 < x[i] ≤ hi ? dy[i] : 0 (NaN gives 0).
  (func (export "reluClipGrad") (param $x i32) (param $dy i32) (param $out i32) (param $n i32) (param $hi f32)
    (local $i i32) (local $end i32) (local $p i32) (local $vhi v128) (local $v v128) (local $xv f32)
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
      (v128.store (i32.add (local.get $out) (local.get $p))
        (v128.and (v128.load (i32.add (local.get $dy) (local.get $p)))
          (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.le (local.get $v) (local.get $vhi)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $loop)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (local.set $xv (f32.load (i32.add (local.get $x) (local.get $p))))
      (f32.store (i32.add (local.get $out) (local.get $p))
        (select (f32.load (i32.add (local.get $dy) (local.get $p))) (f32.const 0)
          (i32.and (f32.gt (local.get $xv) (f32.const 0)) (f32.le (local.get $xv) (local.get $hi)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  ;; out[i] = a[i] & b[i] over n bytes (tfjs' bool is one byte, 0 or 1).
  (func (export "andBytes") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (v128.and (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $loop)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $out) (local.get $i))
        (i32.and (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  ;; out[i] = cond[i] ≠ 0 ? a[i] : b[i], cond one byte per element, a, b and out 4 bytes.
  (func (export "select") (param $cond i32) (param $a i32) (param $b i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $p i32) (local $m v128)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $m (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $cond) (local.get $i))))))
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $out) (local.get $p))
        (v128.bitselect (v128.load (i32.add (local.get $a) (local.get $p))) (v128.load (i32.add (local.get $b) (local.get $p)))
          (i32x4.ne (local.get $m) (v128.const i32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $loop)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (i32.store (i32.add (local.get $out) (local.get $p))
        (select (i32.load (i32.add (local.get $a) (local.get $p))) (i32.load (i32.add (local.get $b) (local.get $p)))
          (i32.load8_u (i32.add (local.get $cond) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail))))

  ;; acc[c] += Σ_r src[r·cols + c] in float64; acc holds cols doubles; cols a multiple of 4.
  (func (export "columnSums") (param $src i32) (param $acc i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $p i32) (local $q i32) (local $accEnd i32) (local $v v128)
    (local.set $p (local.get $src))
    (local.set $accEnd (i32.add (local.get $acc) (i32.shl (local.get $cols) (i32.const 3))))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $q (local.get $acc))
      (block $colsDone (loop $colLoop
        (br_if $colsDone (i32.ge_u (local.get $q) (local.get $accEnd)))
        (local.set $v (v128.load (local.get $p)))
        (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $q)
          (f64x2.add (v128.load offset=16 (local.get $q))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br $colLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; out[r,k] = x[r,k]·a[k] + b[k] over rows of c channels (c a multiple of 4): a per-channel affine map
  ;; (a pinned BatchNormalization), with the rounding of a product, then a sum, as tfjs' Mul and Add have.
  (func (export "affineRows") (param $x i32) (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $c i32)
    (local $r i32) (local $k i32) (local $cb i32) (local $p i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $p (i32.mul (local.get $r) (local.get $cb)))
      (local.set $k (i32.const 0))
      (loop $kLoop
        (v128.store (i32.add (local.get $out) (i32.add (local.get $p) (local.get $k)))
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $k)))) (v128.load (i32.add (local.get $a) (local.get $k))))
            (v128.load (i32.add (local.get $b) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br_if $kLoop (i32.lt_u (local.get $k) (local.get $cb))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; The gradient of affineRows in one pass: dx = dy·a; accA[k] += Σ_r dy·x and accB[k] += Σ_r dy, in float64
  ;; (accA and accB hold c doubles each).
  (func (export "affineGradRows") (param $x i32) (param $dy i32) (param $a i32) (param $dx i32) (param $accA i32) (param $accB i32) (param $rows i32) (param $c i32)
    (local $r i32) (local $k i32) (local $cb i32) (local $p i32) (local $g v128) (local $gx v128) (local $q i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $p (i32.mul (local.get $r) (local.get $cb)))
      (local.set $k (i32.const 0))
      (loop $kLoop
        (local.set $g (v128.load (i32.add (local.get $dy) (i32.add (local.get $p) (local.get $k)))))
        (local.set $gx (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $x) (i32.add (local.get $p) (local.get $k))))))
        (v128.store (i32.add (local.get $dx) (i32.add (local.get $p) (local.get $k))) (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $a) (local.get $k)))))
        (local.set $q (i32.add (local.get $accA) (i32.shl (local.get $k) (i32.const 1))))
        (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.promote_low_f32x4 (local.get $gx))))
        (v128.store offset=16 (local.get $q) (f64x2.add (v128.load offset=16 (local.get $q))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $gx) (local.get $gx)))))
        (local.set $q (i32.add (local.get $accB) (i32.shl (local.get $k) (i32.const 1))))
        (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.promote_low_f32x4 (local.get $g))))
        (v128.store offset=16 (local.get $q) (f64x2.add (v128.load offset=16 (local.get $q))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g)))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br_if $kLoop (i32.lt_u (local.get $k) (local.get $cb))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; One image of a depthwise convolution (channel multiplier 1, c a multiple of 4):
  ;; acc[i,j,k] += x[row,col,k]·dy[y,xo,k] over the output positions, row = y·sh + i − top,
  ;; col = xo·sw + j − left (rows and columns in the padding are skipped).
  (func (export "depthwiseFilterImage")
    (param $x i32) (param $dy i32) (param $acc i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $fh i32) (param $fw i32) (param $top i32) (param $left i32)
    (local $y i32) (local $xo i32) (local $i i32) (local $j i32) (local $row i32) (local $col i32)
    (local $dp i32) (local $xp i32) (local $ap i32) (local $k i32) (local $cb i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $dp (local.get $dy))
    (loop $yLoop
      (local.set $xo (i32.const 0))
      (loop $xLoop
        (local.set $i (i32.const 0))
        (loop $iLoop
          (block $iNext
            (local.set $row (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
            (br_if $iNext (i32.ge_u (local.get $row) (local.get $h)))
            (local.set $j (i32.const 0))
            (loop $jLoop
              (block $jNext
                (local.set $col (i32.sub (i32.add (i32.mul (local.get $xo) (local.get $sw)) (local.get $j)) (local.get $left)))
                (br_if $jNext (i32.ge_u (local.get $col) (local.get $w)))
                (local.set $xp (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $row) (local.get $w)) (local.get $col)) (local.get $cb))))
                (local.set $ap (i32.add (local.get $acc) (i32.mul (i32.add (i32.mul (local.get $i) (local.get $fw)) (local.get $j)) (local.get $cb))))
                (local.set $k (i32.const 0))
                (loop $kLoop
                  (v128.store (i32.add (local.get $ap) (local.get $k))
                    (f32x4.add (v128.load (i32.add (local.get $ap) (local.get $k)))
                      (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $k))) (v128.load (i32.add (local.get $dp) (local.get $k))))))
                  (local.set $k (i32.add (local.get $k) (i32.const 16)))
                  (br_if $kLoop (i32.lt_u (local.get $k) (local.get $cb)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $jLoop (i32.lt_u (local.get $j) (local.get $fw)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $iLoop (i32.lt_u (local.get $i) (local.get $fh))))
        (local.set $dp (i32.add (local.get $dp) (local.get $cb)))
        (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
        (br_if $xLoop (i32.lt_u (local.get $xo) (local.get $ow))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $yLoop (i32.lt_u (local.get $y) (local.get $oh)))))

  ;; The input gradient of the same convolution for one image: out[row,col,k] += dy[y,xo,k]·filter[i,j,k]
  ;; (out zeroed by the caller).
  (func (export "depthwiseInputImage")
    (param $dy i32) (param $filter i32) (param $out i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $fh i32) (param $fw i32) (param $top i32) (param $left i32)
    (local $y i32) (local $xo i32) (local $i i32) (local $j i32) (local $row i32) (local $col i32)
    (local $dp i32) (local $op i32) (local $fp i32) (local $k i32) (local $cb i32)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $dp (local.get $dy))
    (loop $yLoop
      (local.set $xo (i32.const 0))
      (loop $xLoop
        (local.set $i (i32.const 0))
        (loop $iLoop
          (block $iNext
            (local.set $row (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $top)))
            (br_if $iNext (i32.ge_u (local.get $row) (local.get $h)))
            (local.set $j (i32.const 0))
            (loop $jLoop
              (block $jNext
                (local.set $col (i32.sub (i32.add (i32.mul (local.get $xo) (local.get $sw)) (local.get $j)) (local.get $left)))
                (br_if $jNext (i32.ge_u (local.get $col) (local.get $w)))
                (local.set $op (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (local.get $row) (local.get $w)) (local.get $col)) (local.get $cb))))
                (local.set $fp (i32.add (local.get $filter) (i32.mul (i32.add (i32.mul (local.get $i) (local.get $fw)) (local.get $j)) (local.get $cb))))
                (local.set $k (i32.const 0))
                (loop $kLoop
                  (v128.store (i32.add (local.get $op) (local.get $k))
                    (f32x4.add (v128.load (i32.add (local.get $op) (local.get $k)))
                      (f32x4.mul (v128.load (i32.add (local.get $dp) (local.get $k))) (v128.load (i32.add (local.get $fp) (local.get $k))))))
                  (local.set $k (i32.add (local.get $k) (i32.const 16)))
                  (br_if $kLoop (i32.lt_u (local.get $k) (local.get $cb)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $jLoop (i32.lt_u (local.get $j) (local.get $fw)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $iLoop (i32.lt_u (local.get $i) (local.get $fh))))
        (local.set $dp (i32.add (local.get $dp) (local.get $cb)))
        (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
        (br_if $xLoop (i32.lt_u (local.get $xo) (local.get $ow))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $yLoop (i32.lt_u (local.get $y) (local.get $oh))))))
