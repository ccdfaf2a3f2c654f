// The lobby screen (lobby.html): read by everyone who walks past the camera.
export default {
  'lobby.title': { vi: 'Màn hình sảnh', en: 'Lobby screen' },
  'lobby.idle': {
    vi: 'Bỏ khẩu trang, nhìn vào camera và dừng 2 giây',
    en: 'Take off your mask, look at the camera and stop for 2 seconds',
  },
  'lobby.offline': { vi: 'Chưa kết nối được thiết bị camera', en: 'Not connected to the camera box' },
  'lobby.offline_hint': {
    vi: 'Màn hình này hiển thị từ máy đặt cạnh camera (edge uploader chạy với --screen).',
    en: 'This screen is shown by the box beside the camera (the edge uploader run with --screen).',
  },
};
