// Transfers on a person's page (#/staff/:id): the history of moves between units and the form to record one.
export default {
  'transfers.title': { vi: 'Quá trình điều chuyển', en: 'Transfers' },
  'transfers.none': {
    vi: 'Cán bộ chưa được điều chuyển giữa các đơn vị.',
    en: 'This person has not moved between units.',
  },
  'transfers.caption': { vi: 'Các lần điều chuyển, mới nhất trước', en: 'Moves between units, newest first' },
  'transfers.effective': { vi: 'Có hiệu lực từ', en: 'Effective from' },
  'transfers.from': { vi: 'Từ đơn vị', en: 'From' },
  'transfers.to': { vi: 'Đến đơn vị', en: 'To' },
  'transfers.reason': { vi: 'Lý do, căn cứ', en: 'Reason' },
  'transfers.by': { vi: 'Người ghi nhận', en: 'Recorded by' },
  'transfers.new': { vi: 'Điều chuyển sang đơn vị khác', en: 'Move to another unit' },
  'transfers.to_unit': { vi: 'Đơn vị mới', en: 'New unit' },
  'transfers.choose_unit': { vi: '— Chọn đơn vị —', en: '— Choose a unit —' },
  'transfers.effective_hint': {
    vi: 'Ngày đầu tiên làm việc ở đơn vị mới; không sau hôm nay. Các ngày từ ngày này thuộc đơn vị mới, '
      + 'các ngày trước đó vẫn thuộc đơn vị cũ.',
    en: 'The first day in the new unit, not after today. Days from it belong to the new unit, earlier days stay '
      + 'with the old one.',
  },
  'transfers.reason_hint': {
    vi: 'Ví dụ: số và ngày của quyết định điều động.',
    en: 'For instance the number and date of the decision.',
  },
  'transfers.submit': { vi: 'Ghi nhận điều chuyển', en: 'Record the move' },
  'transfers.no_unit': {
    vi: 'Không có đơn vị nào khác trong phạm vi bạn quản lý để điều chuyển đến.',
    en: 'No other unit in your scope to move this person to.',
  },
  'transfers.saved': {
    vi: 'Đã điều chuyển {name} sang {unit} từ ngày {date}.',
    en: '{name} moved to {unit} from {date}.',
  },
};
