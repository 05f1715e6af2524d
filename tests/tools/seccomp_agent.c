/* placeholder replaced by the test author; must build */
int main (void) { return 2; }
