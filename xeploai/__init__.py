"""xeploai — kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên."""

__version__ = "0.1.0"
