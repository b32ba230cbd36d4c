"""The operator's page shows the city's alert on air and the ones still to air (headless Debian Chromium).

Usage: alert_box.py BASE_URL PASSWORD HEADLINE_ON_AIR IDENTIFIER_TO_COME
Prints one line per step passed; exits non-zero with the failing step on stderr.
"""
import sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, password, on_air, to_come = sys.argv[1:5]
options = webdriver.ChromeOptions()
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi-VN",
            "--window-size=412,915"):
    options.add_argument(arg)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 20)


def text(element_id):
    return driver.find_element(By.ID, element_id).text


try:
    driver.get(base + "/")
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#loginForm button").click()
    wait.until(lambda d: d.find_element(By.ID, "alerts").is_displayed())
    wait.until(lambda d: on_air in text("alertOnAir") and "Đang phát" in text("alertOnAir"))
    print("ok: the alert on air, by its headline", flush=True)
    wait.until(lambda d: to_come in text("alertNext") and "đầu khung giờ tới" in text("alertNext"))
    print("ok: the alert still to air, first in the next slot", flush=True)
except Exception as error:
    print("failed:", repr(error), "\n", driver.page_source[:3000], file=sys.stderr)
    sys.exit(1)
finally:
    driver.quit()
