from __future__ import annotations

import random

from monitor.neardup import NearDuplicateIndex, hamming, simhash

STORY_A = """Sáng ngày 12 tháng 3, Ủy ban nhân dân huyện Vị Xuyên tổ chức hội nghị đánh giá kết quả cải cách hành chính quý I và triển khai nhiệm vụ trọng tâm của quý II năm 2024.
Theo báo cáo, trong quý I bộ phận một cửa của huyện đã tiếp nhận hơn một nghìn hai trăm hồ sơ thủ tục hành chính, trong đó trên chín mươi tám phần trăm hồ sơ được giải quyết đúng hạn và trước hạn, không có hồ sơ nào bị trả lại mà không nêu rõ lý do.
Tỷ lệ hồ sơ nộp trực tuyến qua Cổng dịch vụ công của tỉnh tăng mạnh so với cùng kỳ năm trước, nhất là các thủ tục về hộ tịch, chứng thực và đất đai ở cấp xã.
Huyện cũng đã niêm yết công khai đầy đủ bộ thủ tục hành chính tại trụ sở các xã, thị trấn và trên trang thông tin điện tử, đồng thời bố trí công chức hướng dẫn người cao tuổi sử dụng dịch vụ công trực tuyến.
Phát biểu chỉ đạo, Chủ tịch Ủy ban nhân dân huyện yêu cầu các phòng, ban chuyên môn tiếp tục rà soát, đơn giản hóa thủ tục, siết chặt kỷ luật, kỷ cương hành chính và xử lý nghiêm cán bộ gây phiền hà cho người dân.
Các xã, thị trấn cần đẩy mạnh tuyên truyền để người dân biết và sử dụng tài khoản định danh điện tử khi thực hiện thủ tục, phấn đấu đến cuối năm có ít nhất một nửa số hồ sơ được nộp trực tuyến toàn trình."""

STORY_B = """Chiều ngày 20 tháng 3, Sở Nội vụ tỉnh Hà Giang làm việc với Ủy ban nhân dân thành phố Hà Giang về công tác cải cách hành chính và chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan nhà nước.
Đoàn công tác đã kiểm tra trực tiếp Trung tâm phục vụ hành chính công của thành phố, xem việc sắp xếp quầy tiếp nhận, hệ thống xếp hàng tự động và máy tra cứu tình trạng giải quyết hồ sơ.
Qua khảo sát, đa số người dân đánh giá thái độ của công chức tiếp nhận là niềm nở, tuy nhiên vẫn còn tình trạng phải bổ sung giấy tờ nhiều lần đối với một số thủ tục liên quan đến xây dựng và đăng ký kinh doanh.
Lãnh đạo Sở Nội vụ đề nghị thành phố tổ chức lấy ý kiến người dân định kỳ hằng quý, công khai kết quả đánh giá trên trang thông tin điện tử và gắn kết quả này với việc xếp loại cán bộ cuối năm.
Thành phố cũng được yêu cầu hoàn thành việc số hóa kết quả giải quyết thủ tục hành chính còn tồn đọng, kết nối dữ liệu dân cư để người dân không phải nộp lại những giấy tờ mà cơ quan nhà nước đã có.
Dịp này, đoàn ghi nhận nhiều sáng kiến của các phường trong việc hỗ trợ người dân nộp hồ sơ qua điện thoại thông minh ngay tại nhà văn hóa tổ dân phố."""


def portal_copy(body: str) -> str:
    return (
        "Trang chủ > Tin tức > Cải cách hành chính\n"
        "Cập nhật lúc 08:15 ngày 13/03/2024\n"
        + body
        + "\nNguồn: Cổng Thông tin điện tử huyện Vị Xuyên\n"
        "Chia sẻ Facebook Zalo In bài\n"
        "Tin liên quan"
    )


def newspaper_copy(body: str) -> str:
    return (
        "BHG - Tin, ảnh: Minh Anh\n" + body + "\nTheo Báo Hà Giang\n"
        "Bản quyền thuộc về Báo Hà Giang. Ghi rõ nguồn khi phát hành lại thông tin từ website này."
    )


def test_syndicated_copies_are_near_duplicates() -> None:
    original = simhash(STORY_A)
    assert hamming(original, simhash(portal_copy(STORY_A))) <= 3
    assert hamming(original, simhash(newspaper_copy(STORY_A))) <= 3
    assert hamming(simhash(portal_copy(STORY_A)), simhash(newspaper_copy(STORY_A))) <= 3


def test_copy_with_changed_title_line_is_a_near_duplicate() -> None:
    one = "Vị Xuyên: hơn 98% hồ sơ thủ tục hành chính được giải quyết đúng hạn trong quý I\n"
    two = "Huyện Vị Xuyên đẩy mạnh cải cách hành chính, tăng tỷ lệ nộp hồ sơ trực tuyến\n"
    assert hamming(simhash(one + STORY_A), simhash(two + portal_copy(STORY_A))) <= 3


def test_copy_with_diacritics_lost_or_nfd_is_a_near_duplicate() -> None:
    import unicodedata

    from cchc.vntext import fold

    assert simhash(fold(STORY_A)) == simhash(STORY_A)
    assert simhash(unicodedata.normalize("NFD", STORY_A)) == simhash(STORY_A)


def test_lightly_edited_copy_is_a_near_duplicate() -> None:
    edited = STORY_A.replace("Sáng ngày 12 tháng 3", "Ngày 12/3").replace(
        "tăng mạnh so với", "tăng đáng kể so với"
    )
    assert hamming(simhash(STORY_A), simhash(edited)) <= 3


def test_different_stories_on_the_same_topic_are_not() -> None:
    assert hamming(simhash(STORY_A), simhash(STORY_B)) > 10


def test_simhash_is_stable_signed_int64() -> None:
    value = simhash(STORY_A)
    assert -(2**63) <= value < 2**63
    assert value == simhash(STORY_A)  # blake2b, not the per-process salted hash()
    values = {simhash(STORY_A), simhash(STORY_B), simhash("một hai ba " * 40)}
    assert len(values) == 3


def test_simhash_values_stay_what_databases_already_hold() -> None:
    """Stored SimHashes are compared with new ones: a faster computation must give the very
    same values (these are the pure-Python implementation's), or every stored article would
    need ``cchc reprocess``."""
    assert simhash(STORY_A) == 6934707702638867
    assert simhash(STORY_B) == 8797475424781261140
    assert simhash(portal_copy(STORY_A)) == simhash(STORY_A)


def test_short_texts_match_only_when_equal_after_folding() -> None:
    short = "Huyện Vị Xuyên tiếp nhận 1.200 hồ sơ thủ tục hành chính trong quý I."
    assert simhash(short) == simhash(
        "huyen vi xuyen tiep nhan 1.200 ho so thu tuc hanh chinh trong quy I."
    )
    other = "Huyện Vị Xuyên tiếp nhận 1.300 hồ sơ thủ tục hành chính trong quý I."
    assert hamming(simhash(short), simhash(other)) > 3
    assert simhash("") == simhash("   ")


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0, -1) == 64
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(-(2**63), 0) == 1


def test_index_finds_syndicated_copy_and_not_other_story() -> None:
    index = NearDuplicateIndex()
    index.add("a", simhash(STORY_A))
    index.add("b", simhash(STORY_B))
    assert index.find(simhash(portal_copy(STORY_A))) == ["a"]
    assert index.find(simhash(newspaper_copy(STORY_B))) == ["b"]
    assert index.find(simhash("Một câu chuyện hoàn toàn khác về thời tiết " * 10)) == []
    assert len(index) == 2


def test_index_is_exact_within_three_bits() -> None:
    rng = random.Random(7)
    index = NearDuplicateIndex()
    base = rng.getrandbits(64) - 2**63
    index.add("base", base)
    for _ in range(200):
        flipped = base
        for bit in rng.sample(range(64), rng.randint(0, 3)):
            flipped ^= 1 << bit
        flipped = (flipped + 2**63) % 2**64 - 2**63
        assert index.find(flipped) == ["base"]
    far = base ^ 0b1111
    assert index.find(far) == []
    assert index.find(far, max_distance=4) == ["base"]


def test_index_replace_and_remove() -> None:
    index = NearDuplicateIndex()
    index.add(1, 0)
    index.add(1, -1)
    assert index.find(0) == []
    assert index.find(-1) == [1]
    index.remove(1)
    index.remove(1)
    assert index.find(-1) == [] and len(index) == 0


def test_index_orders_nearest_first() -> None:
    index = NearDuplicateIndex()
    index.add("far", 0b111)
    index.add("near", 0b1)
    index.add("same", 0)
    assert index.find(0) == ["same", "near", "far"]
