#include "textflag.h"

// The AVX2 and AVX-512 kernels of kernel_amd64.go. Arguments are pointers
// and ints, never slices (go vet checks their frame offsets); the only
// Go values read at fixed offsets are the fields of two structs,
// AdamConsts (adamAVX2, adamAVX512) and tanhConsts (tanhsAVX2), whose
// offsets TestAsmLayout pins.

// func accRowsAVX2(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int)
//
// y[0:n] += Σ_{l<k} coef[l·cstride]·b[l·ldb : l·ldb+n], l in order; n is a
// multiple of 4 and k ≥ 1. Columns are taken 32 (then 4) at a time, kept in
// registers while l runs, so y is read and written once.
TEXT ·accRowsAVX2(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ coef+16(FP), R8
	MOVQ cstride+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), SI
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	MOVQ k+48(FP), R11

cols32:
	CMPQ CX, $32
	JL   cols4
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD 128(DI), Y4
	VMOVUPD 160(DI), Y5
	VMOVUPD 192(DI), Y6
	VMOVUPD 224(DI), Y7
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows32:
	VBROADCASTSD (AX), Y8
	VMULPD 0(BX), Y8, Y9
	VMULPD 32(BX), Y8, Y10
	VMULPD 64(BX), Y8, Y11
	VMULPD 96(BX), Y8, Y12
	VADDPD Y9, Y0, Y0
	VADDPD Y10, Y1, Y1
	VADDPD Y11, Y2, Y2
	VADDPD Y12, Y3, Y3
	VMULPD 128(BX), Y8, Y9
	VMULPD 160(BX), Y8, Y10
	VMULPD 192(BX), Y8, Y11
	VMULPD 224(BX), Y8, Y12
	VADDPD Y9, Y4, Y4
	VADDPD Y10, Y5, Y5
	VADDPD Y11, Y6, Y6
	VADDPD Y12, Y7, Y7
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows32

	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	ADDQ $256, DI
	ADDQ $256, SI
	SUBQ $32, CX
	JMP  cols32

cols4:
	CMPQ CX, $4
	JL   done
	VMOVUPD (DI), Y0
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows4:
	VBROADCASTSD (AX), Y8
	VMULPD (BX), Y8, Y9
	VADDPD Y9, Y0, Y0
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows4

	VMOVUPD Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $4, CX
	JMP  cols4

done:
	VZEROUPPER
	RET

// func adamAVX2(w, grad, m, v *float64, n int, k *AdamConsts)
//
// Adam's update (see Adam) four elements at a time; n is a multiple of 4.
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), AX
	VBROADCASTSD 0(AX), Y8   // c
	VBROADCASTSD 8(AX), Y9   // λ
	VBROADCASTSD 16(AX), Y10 // β₁
	VBROADCASTSD 24(AX), Y11 // 1−β₁
	VBROADCASTSD 32(AX), Y12 // β₂
	VBROADCASTSD 40(AX), Y13 // 1−β₂
	VBROADCASTSD 48(AX), Y14 // step
	VBROADCASTSD 56(AX), Y15 // s₂
	VBROADCASTSD 64(AX), Y7  // ε
	XORQ BX, BX

loop:
	CMPQ BX, CX
	JGE  end
	VMOVUPD (DI)(BX*8), Y0   // w
	VMULPD  (SI)(BX*8), Y8, Y1
	VMULPD  Y0, Y9, Y2
	VADDPD  Y2, Y1, Y1       // g ← g·c + λw
	VMULPD  (R8)(BX*8), Y10, Y2
	VMULPD  Y1, Y11, Y3
	VADDPD  Y3, Y2, Y2       // m ← β₁m + (1−β₁)g
	VMULPD  (R9)(BX*8), Y12, Y3
	VMULPD  Y1, Y13, Y4
	VMULPD  Y1, Y4, Y4
	VADDPD  Y4, Y3, Y3       // v ← β₂v + ((1−β₂)g)g
	VMOVUPD Y2, (R8)(BX*8)
	VMOVUPD Y3, (R9)(BX*8)
	VSQRTPD Y3, Y3
	VMULPD  Y15, Y3, Y3
	VADDPD  Y7, Y3, Y3       // √v·s₂ + ε
	VMULPD  Y14, Y2, Y2
	VDIVPD  Y3, Y2, Y2       // step·m / (√v·s₂ + ε)
	VSUBPD  Y2, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ    $4, BX
	JMP     loop

end:
	VZEROUPPER
	RET

// func accRows4AVX2(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int)
//
// For the four rows q = 0…3 of y (ldy apart): y_q[0:n] += Σ_{l<k}
// coef[q·crow + l·cstride]·b[l·ldb : l·ldb+n], l in order; n is a multiple
// of 4 and k ≥ 1. Each load of b serves four rows.
TEXT ·accRows4AVX2(SB), NOSPLIT, $0-72
	MOVQ y+0(FP), DI
	MOVQ ldy+8(FP), R12
	SHLQ $3, R12
	MOVQ n+16(FP), CX
	MOVQ coef+24(FP), R8
	MOVQ cstride+32(FP), R9
	SHLQ $3, R9
	MOVQ crow+40(FP), R13
	SHLQ $3, R13
	MOVQ b+48(FP), SI
	MOVQ ldb+56(FP), R10
	SHLQ $3, R10
	MOVQ k+64(FP), R11
	LEAQ (R12)(R12*2), R15 // 3·ldy
	LEAQ (R13)(R13*2), R14 // 3·crow

cols8:
	CMPQ CX, $8
	JL   cols4
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD (DI)(R12*1), Y2
	VMOVUPD 32(DI)(R12*1), Y3
	VMOVUPD (DI)(R12*2), Y4
	VMOVUPD 32(DI)(R12*2), Y5
	VMOVUPD (DI)(R15*1), Y6
	VMOVUPD 32(DI)(R15*1), Y7
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows8:
	VMOVUPD (BX), Y8
	VMOVUPD 32(BX), Y9
	VBROADCASTSD (AX), Y10
	VMULPD Y8, Y10, Y11
	VMULPD Y9, Y10, Y12
	VADDPD Y11, Y0, Y0
	VADDPD Y12, Y1, Y1
	VBROADCASTSD (AX)(R13*1), Y10
	VMULPD Y8, Y10, Y11
	VMULPD Y9, Y10, Y12
	VADDPD Y11, Y2, Y2
	VADDPD Y12, Y3, Y3
	VBROADCASTSD (AX)(R13*2), Y10
	VMULPD Y8, Y10, Y11
	VMULPD Y9, Y10, Y12
	VADDPD Y11, Y4, Y4
	VADDPD Y12, Y5, Y5
	VBROADCASTSD (AX)(R14*1), Y10
	VMULPD Y8, Y10, Y11
	VMULPD Y9, Y10, Y12
	VADDPD Y11, Y6, Y6
	VADDPD Y12, Y7, Y7
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows8

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, (DI)(R12*1)
	VMOVUPD Y3, 32(DI)(R12*1)
	VMOVUPD Y4, (DI)(R12*2)
	VMOVUPD Y5, 32(DI)(R12*2)
	VMOVUPD Y6, (DI)(R15*1)
	VMOVUPD Y7, 32(DI)(R15*1)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $8, CX
	JMP  cols8

cols4:
	CMPQ CX, $4
	JL   done4
	VMOVUPD (DI), Y0
	VMOVUPD (DI)(R12*1), Y2
	VMOVUPD (DI)(R12*2), Y4
	VMOVUPD (DI)(R15*1), Y6
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows4x:
	VMOVUPD (BX), Y8
	VBROADCASTSD (AX), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y0, Y0
	VBROADCASTSD (AX)(R13*1), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y2, Y2
	VBROADCASTSD (AX)(R13*2), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y4, Y4
	VBROADCASTSD (AX)(R14*1), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y6, Y6
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows4x

	VMOVUPD Y0, (DI)
	VMOVUPD Y2, (DI)(R12*1)
	VMOVUPD Y4, (DI)(R12*2)
	VMOVUPD Y6, (DI)(R15*1)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $4, CX
	JMP  cols4

done4:
	VZEROUPPER
	RET

// func dots4x4AVX2(c *float64, ldc int, a *float64, lda int, b *float64, ldb, k int)
//
// c[q·ldc + p] = (+0) + a_q·b_p for rows q = 0…3 of a and p = 0…3 of b, each
// dot product summed as gonum's GemvN sums a row: even and odd columns in
// two running sums, pairs of columns in order, then even + odd. A register
// holds the two running sums of two dot products side by side. k is even.
TEXT ·dots4x4AVX2(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R12
	SHLQ $3, R12
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	MOVQ k+48(FP), CX
	SHRQ $1, CX
	LEAQ (R9)(R9*2), R11  // 3·lda
	LEAQ (R10)(R10*2), R13 // 3·ldb
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

#define DOTS4_ROW(A, S0, S1) \
	VBROADCASTF128 A, Y10         \
	VMULPD         Y8, Y10, Y11   \
	VMULPD         Y9, Y10, Y12   \
	VADDPD         Y11, S0, S0    \
	VADDPD         Y12, S1, S1

pairs:
	VMOVUPD     (BX), X8
	VINSERTF128 $1, (BX)(R10*1), Y8, Y8
	VMOVUPD     (BX)(R10*2), X9
	VINSERTF128 $1, (BX)(R13*1), Y9, Y9
	DOTS4_ROW((SI), Y0, Y1)
	DOTS4_ROW((SI)(R9*1), Y2, Y3)
	DOTS4_ROW((SI)(R9*2), Y4, Y5)
	DOTS4_ROW((SI)(R11*1), Y6, Y7)
	ADDQ $16, SI
	ADDQ $16, BX
	DECQ CX
	JNZ  pairs

	VXORPD X15, X15, X15
	LEAQ   (R12)(R12*2), R13

#define DOTS4_STORE(S, SX, DST) \
	VEXTRACTF128 $1, S, X13    \
	VHADDPD      X13, SX, X14  \
	VADDPD       X15, X14, X14 \
	VMOVUPD      X14, DST

	DOTS4_STORE(Y0, X0, (DI))
	DOTS4_STORE(Y1, X1, 16(DI))
	DOTS4_STORE(Y2, X2, (DI)(R12*1))
	DOTS4_STORE(Y3, X3, 16(DI)(R12*1))
	DOTS4_STORE(Y4, X4, (DI)(R12*2))
	DOTS4_STORE(Y5, X5, 16(DI)(R12*2))
	DOTS4_STORE(Y6, X6, (DI)(R13*1))
	DOTS4_STORE(Y7, X7, 16(DI)(R13*1))
	VZEROUPPER
	RET

// func dotsRowAVX2(c *float64, a *float64, b *float64, ldb, k, n int)
//
// c[p] = (+0) + a·b_p for the rows p < n of b (ldb apart), each dot product
// summed as in dots4x4AVX2 (gonum's GemvN order); sixteen, then four, rows
// at a time, so that eight running sums are in flight. n is a multiple of 4
// and k is even.
TEXT ·dotsRowAVX2(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ ldb+24(FP), R10
	SHLQ $3, R10
	MOVQ k+32(FP), R8
	SHRQ $1, R8
	MOVQ n+40(FP), R9
	LEAQ (R10)(R10*2), R13 // 3·ldb
	VXORPD X12, X12, X12

#define DOTSROW_PAIR(P, S0, S1) \
	VMOVUPD     (P), X8               \
	VINSERTF128 $1, (P)(R10*1), Y8, Y8 \
	VMULPD      Y15, Y8, Y8           \
	VADDPD      Y8, S0, S0            \
	VMOVUPD     (P)(R10*2), X9        \
	VINSERTF128 $1, (P)(R13*1), Y9, Y9 \
	VMULPD      Y15, Y9, Y9           \
	VADDPD      Y9, S1, S1

#define DOTSROW_STORE(S, SX, DST) \
	VEXTRACTF128 $1, S, X13    \
	VHADDPD      X13, SX, X14  \
	VADDPD       X12, X14, X14 \
	VMOVUPD      X14, DST

rows16:
	CMPQ R9, $16
	JL   rows4
	MOVQ BX, DX
	LEAQ (BX)(R10*4), R11
	LEAQ (R11)(R10*4), R12
	LEAQ (R12)(R10*4), R14
	MOVQ SI, AX
	MOVQ R8, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

pairs16:
	VBROADCASTF128 (AX), Y15
	DOTSROW_PAIR(DX, Y0, Y1)
	DOTSROW_PAIR(R11, Y2, Y3)
	DOTSROW_PAIR(R12, Y4, Y5)
	DOTSROW_PAIR(R14, Y6, Y7)
	ADDQ $16, AX
	ADDQ $16, DX
	ADDQ $16, R11
	ADDQ $16, R12
	ADDQ $16, R14
	DECQ CX
	JNZ  pairs16

	DOTSROW_STORE(Y0, X0, (DI))
	DOTSROW_STORE(Y1, X1, 16(DI))
	DOTSROW_STORE(Y2, X2, 32(DI))
	DOTSROW_STORE(Y3, X3, 48(DI))
	DOTSROW_STORE(Y4, X4, 64(DI))
	DOTSROW_STORE(Y5, X5, 80(DI))
	DOTSROW_STORE(Y6, X6, 96(DI))
	DOTSROW_STORE(Y7, X7, 112(DI))
	ADDQ $128, DI
	LEAQ (BX)(R10*8), BX
	LEAQ (BX)(R10*8), BX
	SUBQ $16, R9
	JMP  rows16

rows4:
	CMPQ R9, $4
	JL   donerow
	MOVQ BX, DX
	MOVQ SI, AX
	MOVQ R8, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1

pairs4:
	VBROADCASTF128 (AX), Y15
	DOTSROW_PAIR(DX, Y0, Y1)
	ADDQ $16, AX
	ADDQ $16, DX
	DECQ CX
	JNZ  pairs4

	DOTSROW_STORE(Y0, X0, (DI))
	DOTSROW_STORE(Y1, X1, 16(DI))
	ADDQ $32, DI
	LEAQ (BX)(R10*4), BX
	SUBQ $4, R9
	JMP  rows4

donerow:
	VZEROUPPER
	RET

// func adamAVX512(w, grad, m, v *float64, n int, k *AdamConsts)
//
// adamAVX2 eight elements at a time; n is a multiple of 8.
TEXT ·adamAVX512(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), AX
	VBROADCASTSD 0(AX), Z8   // c
	VBROADCASTSD 8(AX), Z9   // λ
	VBROADCASTSD 16(AX), Z10 // β₁
	VBROADCASTSD 24(AX), Z11 // 1−β₁
	VBROADCASTSD 32(AX), Z12 // β₂
	VBROADCASTSD 40(AX), Z13 // 1−β₂
	VBROADCASTSD 48(AX), Z14 // step
	VBROADCASTSD 56(AX), Z15 // s₂
	VBROADCASTSD 64(AX), Z7  // ε
	XORQ BX, BX

loop512:
	CMPQ BX, CX
	JGE  end512
	VMOVUPD (DI)(BX*8), Z0   // w
	VMULPD  (SI)(BX*8), Z8, Z1
	VMULPD  Z0, Z9, Z2
	VADDPD  Z2, Z1, Z1       // g ← g·c + λw
	VMULPD  (R8)(BX*8), Z10, Z2
	VMULPD  Z1, Z11, Z3
	VADDPD  Z3, Z2, Z2       // m ← β₁m + (1−β₁)g
	VMULPD  (R9)(BX*8), Z12, Z3
	VMULPD  Z1, Z13, Z4
	VMULPD  Z1, Z4, Z4
	VADDPD  Z4, Z3, Z3       // v ← β₂v + ((1−β₂)g)g
	VMOVUPD Z2, (R8)(BX*8)
	VMOVUPD Z3, (R9)(BX*8)
	VSQRTPD Z3, Z3
	VMULPD  Z15, Z3, Z3
	VADDPD  Z7, Z3, Z3       // √v·s₂ + ε
	VMULPD  Z14, Z2, Z2
	VDIVPD  Z3, Z2, Z2       // step·m / (√v·s₂ + ε)
	VSUBPD  Z2, Z0, Z0
	VMOVUPD Z0, (DI)(BX*8)
	ADDQ    $8, BX
	JMP     loop512

end512:
	VZEROUPPER
	RET

// Constants of math.Exp's amd64 assembly (exp_amd64.s), four copies each.
#define EXPV(off, val) \
	DATA expv<>+(off)(SB)/8, $val    \
	DATA expv<>+(off+8)(SB)/8, $val  \
	DATA expv<>+(off+16)(SB)/8, $val \
	DATA expv<>+(off+24)(SB)/8, $val

EXPV(0, 1.4426950408889634073599246810018920)            // LOG2E
EXPV(32, 0.69314718055966295651160180568695068359375)    // LN2U
EXPV(64, 0.28235290563031577122588448175013436025525412068e-12) // LN2L
EXPV(96, 0.0625)
EXPV(128, 2.4801587301587301587e-5)
EXPV(160, 1.9841269841269841270e-4)
EXPV(192, 1.3888888888888888889e-3)
EXPV(224, 8.3333333333333333333e-3)
EXPV(256, 4.1666666666666666667e-2)
EXPV(288, 1.6666666666666666667e-1)
EXPV(320, 0.5)
EXPV(352, 1.0)
EXPV(384, 2.0)
EXPV(416, 708.0) // |x| bound of the lanes done here
DATA expv<>+448(SB)/8, $0x7fffffffffffffff
DATA expv<>+456(SB)/8, $0x7fffffffffffffff
DATA expv<>+464(SB)/8, $0x7fffffffffffffff
DATA expv<>+472(SB)/8, $0x7fffffffffffffff
DATA expv<>+480(SB)/8, $1023
DATA expv<>+488(SB)/8, $1023
DATA expv<>+496(SB)/8, $1023
DATA expv<>+504(SB)/8, $1023
GLOBL expv<>(SB), RODATA, $512

// func expAVX2(dst, src *float64, n int) int
//
// dst[i] = exp(src[i]) by exactly the operations of math.Exp's FMA path,
// four at a time, for the groups of four before the first one with an
// element outside [−708, 708] (or NaN), and returns how many it did.
TEXT ·expAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ BX, BX
	VMOVUPD expv<>+0(SB), Y15
	VMOVUPD expv<>+32(SB), Y14
	VMOVUPD expv<>+64(SB), Y13
	VMOVUPD expv<>+96(SB), Y12
	VMOVUPD expv<>+384(SB), Y11
	VMOVUPD expv<>+352(SB), Y10
	VMOVUPD expv<>+416(SB), Y9
	VMOVUPD expv<>+448(SB), Y8

exploop:
	LEAQ 4(BX), AX
	CMPQ AX, CX
	JGT  expdone
	VMOVUPD (SI)(BX*8), Y0
	VANDPD   Y8, Y0, Y1
	VCMPPD   $2, Y9, Y1, Y2 // |x| ≤ 708
	VMOVMSKPD Y2, AX
	CMPQ     AX, $15
	JNE      expdone
	VMULPD   Y15, Y0, Y1
	VCVTPD2DQY Y1, X3      // k = round(x·log₂e)
	VCVTDQ2PD X3, Y1
	VFNMADD231PD Y14, Y1, Y0 // x − k·ln2 (upper)
	VFNMADD231PD Y13, Y1, Y0 // (lower)
	VMULPD   Y12, Y0, Y0
	VMOVUPD  expv<>+128(SB), Y1
	VFMADD213PD expv<>+160(SB), Y0, Y1
	VFMADD213PD expv<>+192(SB), Y0, Y1
	VFMADD213PD expv<>+224(SB), Y0, Y1
	VFMADD213PD expv<>+256(SB), Y0, Y1
	VFMADD213PD expv<>+288(SB), Y0, Y1
	VFMADD213PD expv<>+320(SB), Y0, Y1
	VFMADD213PD expv<>+352(SB), Y0, Y1
	VMULPD   Y1, Y0, Y0
	VADDPD   Y11, Y0, Y1
	VMULPD   Y1, Y0, Y0
	VADDPD   Y11, Y0, Y1
	VMULPD   Y1, Y0, Y0
	VADDPD   Y11, Y0, Y1
	VMULPD   Y1, Y0, Y0
	VADDPD   Y11, Y0, Y1
	VFMADD213PD Y10, Y1, Y0
	VPMOVSXDQ X3, Y3       // · 2^k
	VPADDQ   expv<>+480(SB), Y3, Y3
	VPSLLQ   $52, Y3, Y3
	VMULPD   Y3, Y0, Y0
	VMOVUPD  Y0, (DI)(BX*8)
	ADDQ     $4, BX
	JMP      exploop

expdone:
	MOVQ BX, ret+24(FP)
	VZEROUPPER
	RET

// func dotsPacked8x8AVX512(c *float64, ldc int, a *float64, lda int, bp *float64, k int, bias *float64)
//
// c[q·ldc + p] = ((+0) + a_q·b_p) + bias[p] for the rows q = 0…7 of a and
// p = 0…7 of b,
// each dot product summed as dots4x4AVX2 sums it (gonum's GemvN order). b
// is packed (Pack): for each block of four rows, the pairs of columns
// in order, each pair of the four rows side by side, so that one register
// holds the two running sums of four dot products. k is even.
TEXT ·dotsPacked8x8AVX512(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), R9
	SHLQ $3, R9
	MOVQ bp+32(FP), BX
	MOVQ k+40(FP), CX
	MOVQ CX, R10
	SHLQ $5, R10 // 4·k·8: the next block of four rows
	SHRQ $1, CX
	LEAQ (R9)(R9*2), R11 // 3·lda
	LEAQ (SI)(R9*4), R12 // row 4 of a
	VPXORQ Z0, Z0, Z0
	VMOVAPD Z0, Z1
	VMOVAPD Z0, Z2
	VMOVAPD Z0, Z3
	VMOVAPD Z0, Z4
	VMOVAPD Z0, Z5
	VMOVAPD Z0, Z6
	VMOVAPD Z0, Z7
	VMOVAPD Z0, Z8
	VMOVAPD Z0, Z9
	VMOVAPD Z0, Z10
	VMOVAPD Z0, Z11
	VMOVAPD Z0, Z12
	VMOVAPD Z0, Z13
	VMOVAPD Z0, Z14
	VMOVAPD Z0, Z15

#define PACKED_ROW(A, S0, S1) \
	VBROADCASTF64X2 A, Z18 \
	VMULPD Z16, Z18, Z19   \
	VMULPD Z17, Z18, Z20   \
	VADDPD Z19, S0, S0     \
	VADDPD Z20, S1, S1

pairs8:
	VMOVUPD (BX), Z16
	VMOVUPD (BX)(R10*1), Z17
	PACKED_ROW((SI), Z0, Z1)
	PACKED_ROW((SI)(R9*1), Z2, Z3)
	PACKED_ROW((SI)(R9*2), Z4, Z5)
	PACKED_ROW((SI)(R11*1), Z6, Z7)
	PACKED_ROW((R12), Z8, Z9)
	PACKED_ROW((R12)(R9*1), Z10, Z11)
	PACKED_ROW((R12)(R9*2), Z12, Z13)
	PACKED_ROW((R12)(R11*1), Z14, Z15)
	ADDQ $16, SI
	ADDQ $16, R12
	ADDQ $64, BX
	DECQ CX
	JNZ  pairs8

	// Each dot product is its even sum + its odd sum, then + 0, then + its
	// bias; the four results of a register go to four consecutive
	// elements of c.
	MOVQ bias+48(FP), AX
	VMOVUPD (AX), Y24
	VMOVUPD 32(AX), Y25
	MOVQ $0x55, AX
	KMOVW AX, K1
	VPXORQ Z21, Z21, Z21
	LEAQ (R8)(R8*2), R13 // 3·ldc

#define PACKED_STORE(S, B, DST) \
	VUNPCKLPD S, S, Z22       \
	VUNPCKHPD S, S, Z23       \
	VADDPD Z23, Z22, Z22      \
	VADDPD Z21, Z22, Z22      \
	VCOMPRESSPD Z22, K1, Z22  \
	VADDPD B, Y22, Y22        \
	VMOVUPD Y22, DST

	PACKED_STORE(Z0, Y24, (DI))
	PACKED_STORE(Z1, Y25, 32(DI))
	PACKED_STORE(Z2, Y24, (DI)(R8*1))
	PACKED_STORE(Z3, Y25, 32(DI)(R8*1))
	PACKED_STORE(Z4, Y24, (DI)(R8*2))
	PACKED_STORE(Z5, Y25, 32(DI)(R8*2))
	PACKED_STORE(Z6, Y24, (DI)(R13*1))
	PACKED_STORE(Z7, Y25, 32(DI)(R13*1))
	LEAQ (DI)(R8*4), DI
	PACKED_STORE(Z8, Y24, (DI))
	PACKED_STORE(Z9, Y25, 32(DI))
	PACKED_STORE(Z10, Y24, (DI)(R8*1))
	PACKED_STORE(Z11, Y25, 32(DI)(R8*1))
	PACKED_STORE(Z12, Y24, (DI)(R8*2))
	PACKED_STORE(Z13, Y25, 32(DI)(R8*2))
	PACKED_STORE(Z14, Y24, (DI)(R13*1))
	PACKED_STORE(Z15, Y25, 32(DI)(R13*1))
	VZEROUPPER
	RET

// func dotsPacked1x8AVX512(c *float64, a *float64, bp *float64, k int, bias *float64)
//
// dotsPacked8x8AVX512 for one row of a.
TEXT ·dotsPacked1x8AVX512(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ bp+16(FP), BX
	MOVQ k+24(FP), CX
	MOVQ CX, R10
	SHLQ $5, R10
	SHRQ $1, CX
	VPXORQ Z0, Z0, Z0
	VMOVAPD Z0, Z1

pairs1:
	VMOVUPD (BX), Z16
	VMOVUPD (BX)(R10*1), Z17
	PACKED_ROW((SI), Z0, Z1)
	ADDQ $16, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  pairs1

	MOVQ bias+32(FP), AX
	VMOVUPD (AX), Y24
	VMOVUPD 32(AX), Y25
	MOVQ $0x55, AX
	KMOVW AX, K1
	VPXORQ Z21, Z21, Z21
	PACKED_STORE(Z0, Y24, (DI))
	PACKED_STORE(Z1, Y25, 32(DI))
	VZEROUPPER
	RET

// func sigmoidsAVX2(dst, e *float64, n int)
//
// dst[i] = 1/(1 + e[i]) (σ(a) given e = exp(−a)); n is a multiple of 4.
TEXT ·sigmoidsAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ e+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ $0x3ff0000000000000, AX // 1.0
	MOVQ AX, X15
	VBROADCASTSD X15, Y15
	XORQ BX, BX

sigloop:
	CMPQ BX, CX
	JGE  sigdone
	VADDPD (SI)(BX*8), Y15, Y0
	VDIVPD Y0, Y15, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  sigloop

sigdone:
	VZEROUPPER
	RET

// func tanhsAVX2(dst, x, s *float64, n int, k *tanhConsts)
//
// dst[i] = tanhWith(x[i], s[i]): all three branches computed, the one
// math.Tanh takes selected; n is a multiple of 4. dst may be x.
TEXT ·tanhsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ s+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ k+32(FP), AX
	VBROADCASTSD 0(AX), Y15  // 1
	VBROADCASTSD 8(AX), Y14  // 2
	VBROADCASTSD 16(AX), Y13 // 0.625
	VBROADCASTSD 24(AX), Y12 // maxLog/2
	VBROADCASTSD 80(AX), Y11 // the sign bit
	VBROADCASTSD 88(AX), Y10 // all bits but the sign
	VXORPD Y9, Y9, Y9        // 0
	XORQ BX, BX

tanhloop:
	CMPQ BX, CX
	JGE  tanhdone
	VMOVUPD (SI)(BX*8), Y0 // x
	VANDPD  Y10, Y0, Y1    // z = |x|
	VANDPD  Y11, Y0, Y2    // x's sign
	// z ≥ 0.625: 1 − 2/(s+1), negated for x < 0
	VMOVUPD (DX)(BX*8), Y3
	VADDPD  Y15, Y3, Y3
	VDIVPD  Y3, Y14, Y3
	VSUBPD  Y3, Y15, Y3
	VORPD   Y2, Y3, Y3
	// z < 0.625: x + x·s·P(s)/Q(s) with s = x², as math.Tanh groups it
	VMULPD  Y0, Y0, Y4     // s
	VBROADCASTSD 32(AX), Y5
	VMULPD  Y4, Y5, Y5     // P0·s
	VBROADCASTSD 40(AX), Y6
	VADDPD  Y6, Y5, Y5     // + P1
	VMULPD  Y4, Y5, Y5     // · s
	VBROADCASTSD 48(AX), Y6
	VADDPD  Y6, Y5, Y5     // + P2
	VBROADCASTSD 56(AX), Y6
	VADDPD  Y6, Y4, Y6     // s + Q0
	VMULPD  Y4, Y6, Y6     // · s
	VBROADCASTSD 64(AX), Y7
	VADDPD  Y7, Y6, Y6     // + Q1
	VMULPD  Y4, Y6, Y6     // · s
	VBROADCASTSD 72(AX), Y7
	VADDPD  Y7, Y6, Y6     // + Q2
	VMULPD  Y4, Y0, Y7     // x·s
	VMULPD  Y5, Y7, Y7     // · P
	VDIVPD  Y6, Y7, Y7     // / Q
	VADDPD  Y7, Y0, Y7     // x + …
	// choose: x = 0 → x; z ≥ 0.625 → Y3; z > maxLog/2 → ±1
	VCMPPD  $0x00, Y9, Y0, Y8 // x == 0
	VBLENDVPD Y8, Y0, Y7, Y7
	VCMPPD  $0x1d, Y13, Y1, Y8 // z ≥ 0.625
	VBLENDVPD Y8, Y3, Y7, Y7
	VORPD   Y2, Y15, Y3       // ±1
	VCMPPD  $0x1e, Y12, Y1, Y8 // z > maxLog/2
	VBLENDVPD Y8, Y3, Y7, Y7
	VMOVUPD Y7, (DI)(BX*8)
	ADDQ    $4, BX
	JMP     tanhloop

tanhdone:
	VZEROUPPER
	RET

// func expAVX512(dst, src *float64, n int) int
//
// expAVX2 eight at a time.
TEXT ·expAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ BX, BX
	VBROADCASTSD expv<>+0(SB), Z15
	VBROADCASTSD expv<>+32(SB), Z14
	VBROADCASTSD expv<>+64(SB), Z13
	VBROADCASTSD expv<>+96(SB), Z12
	VBROADCASTSD expv<>+384(SB), Z11
	VBROADCASTSD expv<>+352(SB), Z10
	VBROADCASTSD expv<>+416(SB), Z9
	VBROADCASTSD expv<>+448(SB), Z8
	VPBROADCASTQ expv<>+480(SB), Z7
	VBROADCASTSD expv<>+128(SB), Z16
	VBROADCASTSD expv<>+160(SB), Z17
	VBROADCASTSD expv<>+192(SB), Z18
	VBROADCASTSD expv<>+224(SB), Z19
	VBROADCASTSD expv<>+256(SB), Z20
	VBROADCASTSD expv<>+288(SB), Z21
	VBROADCASTSD expv<>+320(SB), Z22

exp8loop:
	LEAQ 8(BX), AX
	CMPQ AX, CX
	JGT  exp8done
	VMOVUPD (SI)(BX*8), Z0
	VANDPD   Z8, Z0, Z1
	VCMPPD   $2, Z9, Z1, K1 // |x| ≤ 708
	KMOVW    K1, AX
	CMPQ     AX, $0xff
	JNE      exp8done
	VMULPD   Z15, Z0, Z1
	VCVTPD2DQ Z1, Y3
	VCVTDQ2PD Y3, Z1
	VFNMADD231PD Z14, Z1, Z0
	VFNMADD231PD Z13, Z1, Z0
	VMULPD   Z12, Z0, Z0
	VMOVAPD  Z16, Z1
	VFMADD213PD Z17, Z0, Z1
	VFMADD213PD Z18, Z0, Z1
	VFMADD213PD Z19, Z0, Z1
	VFMADD213PD Z20, Z0, Z1
	VFMADD213PD Z21, Z0, Z1
	VFMADD213PD Z22, Z0, Z1
	VFMADD213PD Z10, Z0, Z1
	VMULPD   Z1, Z0, Z0
	VADDPD   Z11, Z0, Z1
	VMULPD   Z1, Z0, Z0
	VADDPD   Z11, Z0, Z1
	VMULPD   Z1, Z0, Z0
	VADDPD   Z11, Z0, Z1
	VMULPD   Z1, Z0, Z0
	VADDPD   Z11, Z0, Z1
	VFMADD213PD Z10, Z1, Z0
	VPMOVSXDQ Y3, Z3
	VPADDQ   Z7, Z3, Z3
	VPSLLQ   $52, Z3, Z3
	VMULPD   Z3, Z0, Z0
	VMOVUPD  Z0, (DI)(BX*8)
	ADDQ     $8, BX
	JMP      exp8loop

exp8done:
	MOVQ BX, ret+24(FP)
	VZEROUPPER
	RET

// func accRows4AVX512(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int)
//
// accRows4AVX2 sixteen columns at a time: for the four rows q = 0…3 of y
// (ldy apart), y_q[0:n] += Σ_{l<k} coef[q·crow + l·cstride]·b[l·ldb :
// l·ldb+n], l in order, each element by the same multiply then add; n is a
// multiple of 16 and k ≥ 1.
TEXT ·accRows4AVX512(SB), NOSPLIT, $0-72
	MOVQ y+0(FP), DI
	MOVQ ldy+8(FP), R12
	SHLQ $3, R12
	MOVQ n+16(FP), CX
	MOVQ coef+24(FP), R8
	MOVQ cstride+32(FP), R9
	SHLQ $3, R9
	MOVQ crow+40(FP), R13
	SHLQ $3, R13
	MOVQ b+48(FP), SI
	MOVQ ldb+56(FP), R10
	SHLQ $3, R10
	MOVQ k+64(FP), R11
	LEAQ (R12)(R12*2), R15 // 3·ldy
	LEAQ (R13)(R13*2), R14 // 3·crow

cols16:
	CMPQ CX, $16
	JL   done16
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD (DI)(R12*1), Z2
	VMOVUPD 64(DI)(R12*1), Z3
	VMOVUPD (DI)(R12*2), Z4
	VMOVUPD 64(DI)(R12*2), Z5
	VMOVUPD (DI)(R15*1), Z6
	VMOVUPD 64(DI)(R15*1), Z7
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows16:
	VMOVUPD (BX), Z8
	VMOVUPD 64(BX), Z9
	VBROADCASTSD (AX), Z10
	VMULPD Z8, Z10, Z11
	VMULPD Z9, Z10, Z12
	VADDPD Z11, Z0, Z0
	VADDPD Z12, Z1, Z1
	VBROADCASTSD (AX)(R13*1), Z10
	VMULPD Z8, Z10, Z11
	VMULPD Z9, Z10, Z12
	VADDPD Z11, Z2, Z2
	VADDPD Z12, Z3, Z3
	VBROADCASTSD (AX)(R13*2), Z10
	VMULPD Z8, Z10, Z11
	VMULPD Z9, Z10, Z12
	VADDPD Z11, Z4, Z4
	VADDPD Z12, Z5, Z5
	VBROADCASTSD (AX)(R14*1), Z10
	VMULPD Z8, Z10, Z11
	VMULPD Z9, Z10, Z12
	VADDPD Z11, Z6, Z6
	VADDPD Z12, Z7, Z7
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows16

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, (DI)(R12*1)
	VMOVUPD Z3, 64(DI)(R12*1)
	VMOVUPD Z4, (DI)(R12*2)
	VMOVUPD Z5, 64(DI)(R12*2)
	VMOVUPD Z6, (DI)(R15*1)
	VMOVUPD Z7, 64(DI)(R15*1)
	ADDQ $128, DI
	ADDQ $128, SI
	SUBQ $16, CX
	JMP  cols16

done16:
	VZEROUPPER
	RET

// func accRowsAVX512(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int)
//
// accRowsAVX2 sixty-four columns at a time: y[0:n] += Σ_{l<k}
// coef[l·cstride]·b[l·ldb : l·ldb+n], l in order, each element by the same
// multiply then add; n is a multiple of 64 and k ≥ 1.
TEXT ·accRowsAVX512(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ coef+16(FP), R8
	MOVQ cstride+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), SI
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	MOVQ k+48(FP), R11

cols64:
	CMPQ CX, $64
	JL   done64
	VMOVUPD 0(DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	VMOVUPD 256(DI), Z4
	VMOVUPD 320(DI), Z5
	VMOVUPD 384(DI), Z6
	VMOVUPD 448(DI), Z7
	MOVQ R8, AX
	MOVQ SI, BX
	MOVQ R11, DX

rows64:
	VBROADCASTSD (AX), Z8
	VMULPD 0(BX), Z8, Z9
	VMULPD 64(BX), Z8, Z10
	VMULPD 128(BX), Z8, Z11
	VMULPD 192(BX), Z8, Z12
	VADDPD Z9, Z0, Z0
	VADDPD Z10, Z1, Z1
	VADDPD Z11, Z2, Z2
	VADDPD Z12, Z3, Z3
	VMULPD 256(BX), Z8, Z9
	VMULPD 320(BX), Z8, Z10
	VMULPD 384(BX), Z8, Z11
	VMULPD 448(BX), Z8, Z12
	VADDPD Z9, Z4, Z4
	VADDPD Z10, Z5, Z5
	VADDPD Z11, Z6, Z6
	VADDPD Z12, Z7, Z7
	ADDQ R9, AX
	ADDQ R10, BX
	DECQ DX
	JNZ  rows64

	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, 256(DI)
	VMOVUPD Z5, 320(DI)
	VMOVUPD Z6, 384(DI)
	VMOVUPD Z7, 448(DI)
	ADDQ $512, DI
	ADDQ $512, SI
	SUBQ $64, CX
	JMP  cols64

done64:
	VZEROUPPER
	RET
