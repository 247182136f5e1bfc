/** Props every home page receives from the app shell. */
export interface HomeProps {
  who: string;
  onLogout: () => void;
  onLangChange: () => void;
}
