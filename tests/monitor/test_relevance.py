from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from cchc.vntext import fold
from monitor.lexicon import Lexicon, normalise
from monitor.relevance import (
    DEFAULT_THRESHOLD,
    MODEL_VERSION,
    Relevance,
    RelevanceClassifier,
    classify_jsonl,
)

# Short examples written for these tests, one per area the plans call CCHC.
POSITIVES = {
    "procedures": (
        "Huyện Bắc Quang cắt giảm 30% thời gian giải quyết thủ tục hành chính",
        "UBND huyện đã rà soát, đơn giản hóa thủ tục hành chính trong lĩnh vực đất đai và hộ tịch.",
    ),
    "one_stop": (
        "Bộ phận một cửa xã Đồng Tâm đón người dân từ sớm",
        "Công chức bộ phận một cửa hướng dẫn bà con nộp hồ sơ, trả kết quả đúng hẹn.",
    ),
    "lien_thong": (
        "Thực hiện một cửa liên thông khai sinh, thường trú và thẻ bảo hiểm y tế",
        "Người dân chỉ cần nộp một bộ hồ sơ cho ba thủ tục liên thông.",
    ),
    "service_centre": (
        "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận 5.000 hồ sơ trong tháng",
        "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99%, không có hồ sơ trễ hạn.",
    ),
    "online_services": (
        "Tăng tỷ lệ hồ sơ nộp qua dịch vụ công trực tuyến toàn trình",
        "Sở Tư pháp hướng dẫn người dân đăng ký tài khoản trên Cổng dịch vụ công quốc gia.",
    ),
    "apparatus": (
        "Tỉnh hoàn thành sắp xếp đơn vị hành chính cấp xã",
        "Sau sắp xếp, tinh gọn bộ máy, tỉnh giảm 40 xã và bố trí lại đội ngũ cán bộ.",
    ),
    "civil_service": (
        "Siết chặt kỷ luật, kỷ cương hành chính trong thực thi công vụ",
        "Sở Nội vụ kiểm tra công vụ đột xuất, nhắc nhở công chức đi muộn, thái độ phục vụ chưa tốt.",
    ),
    "culture": (
        "Xây dựng văn hóa công vụ thân thiện tại các cơ quan hành chính",
        "Cán bộ, công chức, viên chức thực hiện quy tắc ứng xử khi tiếp dân.",
    ),
    "e_government": (
        "Đẩy mạnh xây dựng chính quyền điện tử, chính quyền số cấp huyện",
        "Văn bản điện tử, chữ ký số được dùng trong toàn bộ cơ quan hành chính nhà nước.",
    ),
    "indices": (
        "Tỉnh tăng 5 bậc về chỉ số PAR INDEX và SIPAS năm 2023",
        "Kết quả chỉ số cải cách hành chính và chỉ số hài lòng của người dân được công bố.",
    ),
    "institutions": (
        "Đẩy mạnh cải cách thể chế và cải cách tài chính công",
        "Tỉnh rà soát văn bản quy phạm pháp luật, giao quyền tự chủ cho đơn vị sự nghiệp công lập.",
    ),
    "abbreviation": (
        "Hội nghị tổng kết công tác CCHC năm 2024",
        "Các đơn vị báo cáo kết quả giải quyết TTHC và kế hoạch năm mới.",
    ),
}
TRAPS = {
    "shop": (
        "Khai trương một cửa hàng tiện lợi mới ở trung tâm thị trấn",
        "Cửa hàng bán đồ gia dụng và thực phẩm, mở cửa từ 6 giờ sáng đến 10 giờ tối.",
    ),
    "business_it": (
        "Doanh nghiệp dệt may chuyển đổi số để tăng năng suất",
        "Công ty đầu tư phần mềm quản lý kho và bán hàng trực tuyến cho khách quốc tế.",
    ),
    "pension": (
        "Bộ Nội vụ đề xuất tăng lương hưu và lương cơ sở từ tháng 7",
        "Người nghỉ hưu sẽ được điều chỉnh lương hưu, trợ cấp theo mức tăng mới.",
    ),
    "holiday": (
        "Bộ Nội vụ đề xuất nghỉ lễ Quốc khánh 4 ngày",
        "Công chức, viên chức được nghỉ lễ và hoán đổi ngày làm việc.",
    ),
    "trial": (
        "Xét xử cựu giám đốc sở nhận hối lộ",
        "Bị cáo bị truy tố vì nhận hối lộ trong các dự án đấu thầu.",
    ),
    "economy": (
        "Tăng trưởng kinh tế quý III đạt 7%",
        "GDP tăng nhờ xuất khẩu và đầu tư nước ngoài, lãi suất ổn định.",
    ),
    "passing_mention": (
        "Lễ hội mùa xuân thu hút hàng nghìn du khách",
        " ".join(["Du khách tham quan các gian hàng ẩm thực và xem biểu diễn văn nghệ."] * 40)
        + " Ban tổ chức cảm ơn các đơn vị, trong đó có bộ phận một cửa của xã.",
    ),
    "fine": (
        "Xử phạt vi phạm hành chính công ty xả thải",
        "Công ty bị phạt 300 triệu đồng vì vi phạm hành chính trong lĩnh vực môi trường.",
    ),
}


@pytest.fixture(scope="module")
def classifier() -> RelevanceClassifier:
    return RelevanceClassifier()


def variants(title: str, text: str) -> list[tuple[str, str]]:
    nfd = unicodedata.normalize("NFD", title), unicodedata.normalize("NFD", text)
    return [(title, text), (fold(title), fold(text)), nfd, (title.upper(), text)]


@pytest.mark.parametrize("area", sorted(POSITIVES))
def test_positive_areas(classifier: RelevanceClassifier, area: str) -> None:
    for title, text in variants(*POSITIVES[area]):
        result = classifier.classify(title, text)
        assert result.cchc, (area, title, result)
        assert result.evidence and not result.evidence[0].startswith("−")


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_traps(classifier: RelevanceClassifier, trap: str) -> None:
    for title, text in variants(*TRAPS[trap]):
        result = classifier.classify(title, text)
        assert not result.cchc, (trap, title, result)


def test_negative_evidence_is_marked(classifier: RelevanceClassifier) -> None:
    result = classifier.classify(*TRAPS["pension"])
    assert "−lương hưu" in result.evidence


def test_shop_does_not_count_as_one_stop(classifier: RelevanceClassifier) -> None:
    evidence = classifier.classify(*TRAPS["shop"]).evidence
    assert "một cửa" not in evidence and "−một cửa hàng" in evidence


def test_title_counts_more_than_late_body(classifier: RelevanceClassifier) -> None:
    filler = " ".join(["Người dân đi chợ phiên cuối tuần."] * 30)
    in_title = classifier.classify("Đẩy mạnh cải cách hành chính", filler)
    at_end = classifier.classify("Chợ phiên cuối tuần", filler + " Đẩy mạnh cải cách hành chính.")
    assert in_title.score > at_end.score


def test_result_shape(classifier: RelevanceClassifier) -> None:
    result = classifier.classify("", "")
    assert result == Relevance(False, result.score, ())
    assert 0.0 < result.score < DEFAULT_THRESHOLD
    with pytest.raises(AttributeError):
        result.cchc = True  # type: ignore[misc]
    assert MODEL_VERSION


def test_threshold() -> None:
    title, text = POSITIVES["one_stop"]
    assert RelevanceClassifier(threshold=0.5).classify(title, text).cchc
    assert not RelevanceClassifier(threshold=0.9999).classify(title, text).cchc
    with pytest.raises(ValueError, match="CCHC_RELEVANCE_THRESHOLD"):
        RelevanceClassifier(threshold=1.5)


def test_classify_jsonl_good_and_bad_lines() -> None:
    lines = [
        json.dumps(
            {"id": "a", "title": POSITIVES["one_stop"][0], "text": POSITIVES["one_stop"][1]}
        ),
        "{not json",
        json.dumps({"title": "không có id", "text": "..."}),
        json.dumps({"id": 7, "title": 5, "text": "x"}),
        "",
        json.dumps(["a list"]),
        json.dumps(
            {
                "id": "b",
                "title": "Video: Trận bóng đá",
                "text": "Hai đội hòa 1-1.",
                "url": "https://x.vn/video/1",
            }
        ),
    ]
    out = [json.loads(line) for line in classify_jsonl(lines)]
    assert len(out) == 6
    assert out[0]["id"] == "a" and out[0]["cchc"] is True
    assert set(out[0]) == {"id", "cchc", "score", "evidence", "kind", "language"}
    assert out[0]["language"] == "vi" and out[0]["kind"] == "tin"
    assert "dòng 2" in out[1]["error"] and "id" not in out[1]
    assert "dòng 3" in out[2]["error"] and "id" in out[2]["error"]
    assert out[3]["id"] == 7 and "title" in out[3]["error"]
    assert "dòng 6" in out[4]["error"]
    assert out[5]["id"] == "b" and out[5]["cchc"] is False and out[5]["kind"] == "video"


def _load(corpus_dir: Path) -> list[dict]:
    path = corpus_dir / "cchc-dev.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_dev_set_precision_and_recall(corpus_dir: Path, classifier: RelevanceClassifier) -> None:
    rows = _load(corpus_dir)
    tp = fp = fn = 0
    for row in rows:
        predicted = classifier.classify(row["title"], row["text"]).cchc
        tp += predicted and row["cchc"]
        fp += predicted and not row["cchc"]
        fn += row["cchc"] and not predicted
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95 and recall >= 0.90, (precision, recall)


def test_dev_set_without_diacritics(corpus_dir: Path, classifier: RelevanceClassifier) -> None:
    rows = _load(corpus_dir)
    same = sum(
        classifier.classify(r["title"], r["text"]).cchc
        == classifier.classify(fold(r["title"]), fold(r["text"])).cchc
        for r in rows
    )
    assert same == len(rows)


def _by_regex(lexicon: Lexicon, normalised: str) -> list[tuple[str, int]]:
    """The lexicon's reference semantics: its regular expression, leftmost and longest first."""
    return [(lexicon._canonical[m.group(1).replace(" | ", " ")], m.start())
            for m in lexicon._pattern.finditer(normalised)]  # fmt: skip


def test_automaton_finds_what_the_regular_expression_finds(corpus_dir: Path) -> None:
    """Phrases back to back (sharing one space), with and without commas, inside longer
    phrases, and the labelled news texts: the C matcher agrees with the reference match for
    match, offsets included."""
    lexicon = Lexicon.default()
    phrases = list(lexicon.weights)
    texts = [" ".join(phrases), ", ".join(phrases), " và ".join(reversed(phrases)),
             "".join(phrases), " ".join(p.replace(",", "") for p in phrases)]  # fmt: skip
    for line in (corpus_dir / "cchc-dev.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        texts += [item.get("title") or "", item.get("text") or ""]
    matched = 0
    for text in texts:
        normalised = normalise(text)
        assert lexicon._matches(normalised) == _by_regex(lexicon, normalised), text[:80]
        matched += len(lexicon._matches(normalised))
    assert matched > 2 * len(phrases)


def test_classifier_travels_to_the_helper_process_small_and_unchanged() -> None:
    """The helper receives the classifier through a pipe (64 KB buffer) before it has started
    reading: the lexicon travels as its phrases and is compiled again there, deciding alike."""
    import pickle

    classifier = RelevanceClassifier(threshold=0.6)
    sent = pickle.dumps(classifier)
    received = pickle.loads(sent)
    assert len(sent) < 32 * 1024 and received.threshold == 0.6
    for title, text in [("Cải cách thủ tục hành chính", "Bộ phận một cửa tiếp nhận hồ sơ."),
                        ("Mùa hoa", "Du khách đến cao nguyên đá, cửa hàng đông khách.")]:  # fmt: skip
        assert received.classify(title, text) == classifier.classify(title, text)


def test_community_services_are_not_public_services() -> None:
    """"Dịch vụ cộng đồng" folds to "dich vu cong dong", which contains "dịch vụ công"."""
    text = ("Mô hình dịch vụ cộng đồng chăm sóc người cao tuổi được ra mắt tại xã. Tình nguyện viên "
            "đến từng nhà thăm hỏi, hỗ trợ dịch vụ cộng đồng cho các gia đình khó khăn.")
    hits = RelevanceClassifier().classify("Ra mắt mô hình dịch vụ cộng đồng", text)
    assert "dịch vụ công" not in hits.evidence


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Giải bóng chuyền cán bộ, công chức, viên chức tỉnh năm 2024",
         "Giải do Sở Nội vụ phối hợp Công đoàn viên chức tổ chức, có 20 đội tham gia. Cán bộ, công chức, "
         "viên chức hưởng ứng."),
        ("Xét xử vụ án nhận hối lộ khi giải quyết thủ tục hành chính tại bộ phận một cửa",
         "Tòa án tỉnh mở phiên tòa xét xử bị cáo, nguyên công chức địa chính xã, nhận hối lộ khi giải quyết "
         "hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại Bộ phận một cửa."),
    ],
)  # fmt: skip
def test_a_civil_servants_tournament_or_a_bribery_trial_is_not_cchc(title: str, text: str) -> None:
    assert not RelevanceClassifier().classify(title, text).cchc
