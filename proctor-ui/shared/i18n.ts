/**
 * Vietnamese (default) and English UI strings. `t('key')` returns the string in the current
 * language; `setLang` switches and remembers the choice in localStorage.
 */
const vi = {
  appName: 'Assay',
  tagline: 'Hệ thống khảo thí trực tuyến',
  staff: 'Cán bộ',
  candidate: 'Thí sinh',
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  ticketCode: 'Số báo danh / mã phiếu dự thi',
  pin: 'Mã PIN',
  login: 'Đăng nhập',
  logout: 'Đăng xuất',
  loggingIn: 'Đang đăng nhập…',
  loginFailed: 'Đăng nhập không thành công',
  tooMany: 'Quá nhiều lần thử sai. Vui lòng thử lại sau {s} giây.',
  loading: 'Đang tải…',
  language: 'English',
  role_admin: 'Quản trị',
  role_author: 'Soạn đề',
  role_proctor: 'Giám thị',
  role_counsellor: 'Tư vấn hướng nghiệp',
  role_candidate: 'Thí sinh',
  usersTitle: 'Người dùng',
  newUser: 'Thêm người dùng',
  role: 'Vai trò',
  displayName: 'Họ tên',
  active: 'Hoạt động',
  create: 'Tạo',
  save: 'Lưu',
  created: 'Đã tạo người dùng',
  itemBanksTitle: 'Ngân hàng câu hỏi',
  code: 'Mã',
  name: 'Tên',
  subject: 'Môn',
  eventsTitle: 'Kỳ thi và phòng thi',
  status: 'Trạng thái',
  rooms: 'Phòng thi',
  opens: 'Mở',
  closes: 'Đóng',
  studentsTitle: 'Học sinh',
  careerReports: 'Mở báo cáo hướng nghiệp',
  student: 'Học sinh',
  grade: 'Khối',
  yourExam: 'Bài thi của bạn',
  examTitle: 'Kỳ thi',
  notStarted: 'Chưa bắt đầu',
  sessionState: 'Trạng thái bài làm',
  empty: 'Chưa có dữ liệu',
  skip: 'Bỏ qua đến nội dung chính',
  error: 'Lỗi',
};
export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  appName: 'Assay',
  tagline: 'Online assessment',
  staff: 'Staff',
  candidate: 'Candidate',
  username: 'Username',
  password: 'Password',
  ticketCode: 'Ticket code',
  pin: 'PIN',
  login: 'Log in',
  logout: 'Log out',
  loggingIn: 'Logging in…',
  loginFailed: 'Login failed',
  tooMany: 'Too many failed attempts. Try again in {s} seconds.',
  loading: 'Loading…',
  language: 'Tiếng Việt',
  role_admin: 'Administrator',
  role_author: 'Author',
  role_proctor: 'Proctor',
  role_counsellor: 'Counsellor',
  role_candidate: 'Candidate',
  usersTitle: 'Users',
  newUser: 'New user',
  role: 'Role',
  displayName: 'Full name',
  active: 'Active',
  create: 'Create',
  save: 'Save',
  created: 'User created',
  itemBanksTitle: 'Item banks',
  code: 'Code',
  name: 'Name',
  subject: 'Subject',
  eventsTitle: 'Exam events and rooms',
  status: 'Status',
  rooms: 'Rooms',
  opens: 'Opens',
  closes: 'Closes',
  studentsTitle: 'Students',
  careerReports: 'Open career reports',
  student: 'Student',
  grade: 'Grade',
  yourExam: 'Your exam',
  examTitle: 'Exam',
  notStarted: 'Not started',
  sessionState: 'Session state',
  empty: 'Nothing here yet',
  skip: 'Skip to main content',
  error: 'Error',
};

const dictionaries = { vi, en };
export type Lang = keyof typeof dictionaries;

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem('assay.lang');
    if (saved === 'en' || saved === 'vi') return saved;
  } catch {
    /* storage blocked */
  }
  return 'vi';
}

let lang: Lang = initialLang();

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem('assay.lang', l);
  } catch {
    /* storage blocked */
  }
}

/** The message in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** A date-time in the current language's format. */
export function formatTime(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return new Date(ms).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
}
