package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"danvan/data"
)

// An error the data layer made of a message reaches the officer in Vietnamese,
// inside whatever the screen wrapped it in; other errors are shown as they are.
func TestErrorTextTranslatesDataErrors(t *testing.T) {
	store := freshDemo(t)
	ctx := context.Background()
	_, err := store.ProgramByCode(ctx, "KHONG-CO")
	if !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("ProgramByCode of a missing code: %v, not ErrNotFound", err)
	}
	if got, want := errorText(fmt.Errorf("%s: %w", "Không mở được", err)), "Không mở được: không tìm thấy chương trình KHONG-CO"; got != want {
		t.Errorf("errorText = %q, want %q", got, want)
	}
	if _, err := data.ParseRollup("avg"); errorText(err) != `"avg" không phải là cách tổng hợp; hãy dùng sum (cộng dồn), last (số mới nhất) hoặc max (lớn nhất)` {
		t.Errorf("errorText(%v) = %q", err, errorText(err))
	}
	if _, err := data.SpreadYearly(1e300, 0, 4); errorText(err) != "chỉ tiêu năm 1e+300 quá lớn" {
		t.Errorf("errorText(%v) = %q", err, errorText(err))
	}
	plain := errors.New("disk full")
	if errorText(plain) != "disk full" || errorText(nil) != "" {
		t.Errorf("errorText of a plain error: %q", errorText(plain))
	}
}

// Adding a locality with a code another locality in force already has is refused
// with the reason in Vietnamese, and nothing is added.
func TestLocalitiesAddWithCodeInUseSaysWhyInVietnamese(t *testing.T) {
	s, store, w := newEditableLocalities(t)
	addChild(t, s, "20", "99001", "Xã Thử Nghiệm", "01/01/2026")
	addChild(t, s, "20", "99001", "Xã Trùng Mã", "01/01/2026")
	const why = "Chưa thêm được địa bàn: mã 99001 đã được dùng cho một địa bàn khác có hiệu lực vào ngày 01/01/2026; các địa bàn cùng có hiệu lực trong một ngày không được trùng mã"
	if texts := renderedTexts(w); !slices.Contains(texts, why) || containsText(texts, "already used") {
		t.Fatalf("the refusal is not the Vietnamese reason: %q", texts)
	}
	l, err := store.LocalityByCode(context.Background(), "99001", mustDate(t, "01/01/2026"))
	if err != nil || l.Name != "Xã Thử Nghiệm" {
		t.Fatalf("99001 is %+v (%v), want the first commune only", l, err)
	}
}
